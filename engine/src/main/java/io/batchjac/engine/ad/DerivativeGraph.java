package io.batchjac.engine.ad;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.Seeds;
import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph built by composing the AD transformations for one engine operation (the composition
 * machinery of the facade {@code api.Engine}: Jacobian blocks from JVPs pushed through identity
 * seeds or VJPs pulled from them, gradient graphs, JVPs and VJPs with per-sample (co)tangents),
 * with the list of pieces it produces per sample and where each piece goes in the result. Pieces are blocks of
 * {@code rows x len} (row-major) that belong at element {@code offset} of the flattened outputs
 * (or inputs); pieces whose derivative is identically zero are absent (the result is zero-filled).
 *
 * <p>Extra per-sample arguments (the tangent u of a JVP, the cotangent v of a VJP) are graph
 * inputs named {@code "d:<name>"}, after the function's own inputs, in flattening order.
 *
 * <p><b>Values alongside.</b> The constructions that take {@code withValues} can also output f's
 * own values ({@link #values()}: per output of f a piece of 1 row at its offset in f's flattened
 * outputs), taken from the primal nodes the derivative already computes: one pass gives the
 * derivative and f(x), where a separate evaluation would compute the forward pass again (for an
 * MLP's Jacobian that is a fifth of the time). The graph's outputs are the pieces, then the values.
 */
public final class DerivativeGraph {
  /**
   * One output of the graph: a block of {@code rows x len} values (row-major) per sample that
   * belongs at element {@code offset} of the flattened outputs (or leaves).
   */
  public record Piece(Node node, int offset, int len, int rows) {}

  private final Graph graph;
  private final List<Piece> pieces;
  private final List<Piece> values;

  private DerivativeGraph(GraphBuilder nb, List<Piece> pieces) {
    this(nb, pieces, List.of());
  }

  private DerivativeGraph(GraphBuilder nb, List<Piece> pieces, List<Piece> values) {
    for (int i = 0; i < pieces.size(); i++) {
      nb.output("d" + i, pieces.get(i).node());
    }
    for (int i = 0; i < values.size(); i++) {
      nb.output("v" + i, values.get(i).node());
    }
    this.graph = pieces.isEmpty() && values.isEmpty() ? null : nb.build();
    this.pieces = pieces;
    this.values = values;
  }

  /** The graph, or null when every piece is zero and no values were asked for. */
  public Graph graph() {
    return graph;
  }

  /** The graph's outputs: the pieces' nodes, then the values' nodes. */
  public List<Node> outputs() {
    List<Node> all = new ArrayList<>();
    pieces.forEach(p -> all.add(p.node()));
    values.forEach(v -> all.add(v.node()));
    return all;
  }

  /** The derivative pieces (the graph's first outputs). */
  public List<Piece> pieces() {
    return pieces;
  }

  /**
   * f's values, when asked for (else empty): per output of f a piece of 1 row at its offset in
   * f's flattened outputs (the graph's last outputs).
   */
  public List<Piece> values() {
    return values;
  }

  /** f's outputs as pieces of 1 row, read from the copies of f's nodes in the derivative graph. */
  private static List<Piece> valuePieces(Graph f, java.util.function.Function<Node, Node> copyOf) {
    List<Piece> v = new ArrayList<>();
    int o = 0;
    for (Graph.Output out : f.outputs()) {
      int len = out.node().shape().size();
      v.add(new Piece(copyOf.apply(out.node()), o, len, 1));
      o += len;
    }
    return v;
  }

  /** True for an input that is an extra per-sample argument ({@code d:<name>}), not one of f's. */
  public static boolean isExtra(Node input) {
    return input.name().startsWith("d:");
  }

  // ------------------------------------------------------------------ constructions

  private static Map<Node, Integer> offsets(List<Node> leaves) {
    Map<Node, Integer> off = new IdentityHashMap<>();
    int o = 0;
    for (Node l : leaves) {
      off.put(l, o);
      o += l.shape().size();
    }
    return off;
  }

  private static int[] outputOffsets(Graph f) {
    int[] off = new int[f.outputs().size()];
    int o = 0;
    for (int i = 0; i < off.length; i++) {
      off[i] = o;
      o += f.outputs().get(i).node().shape().size();
    }
    return off;
  }

  /** The function itself: per output a piece of 1 row (its values). */
  public static DerivativeGraph identity(Graph f) {
    GraphBuilder nb = new GraphBuilder();
    Jvp.Result r = Jvp.apply(f, nb, Shape.of(1), leaf -> null);
    return new DerivativeGraph(nb, valuePieces(f, r.primal()::get));
  }

  /**
   * Forward mode, directions {@code [k0, k0+k)}: per output a piece of k rows (J^T rows); f's
   * values too when {@code withValues}.
   */
  public static DerivativeGraph forwardJacobianBlock(Graph f, List<Node> leaves, int k0, int k, boolean withValues) {
    GraphBuilder nb = new GraphBuilder();
    Map<Node, Integer> off = offsets(leaves);
    Jvp.Result r = Jvp.apply(f, nb, Shape.of(k), leaf ->
        off.containsKey(leaf) ? Seeds.identityBlock(nb, k0, k, off.get(leaf), leaf.shape()) : null);
    return new DerivativeGraph(nb, outputTangents(f, nb, r, k), withValues ? valuePieces(f, r.primal()::get) : List.of());
  }

  /**
   * Reverse mode, cotangents {@code [m0, m0+k)}: per leaf a transposed piece (len rows of k); f's
   * values too when {@code withValues}.
   */
  public static DerivativeGraph reverseJacobianBlock(Graph f, List<Node> leaves, int m0, int k, boolean withValues) {
    GraphBuilder nb = new GraphBuilder();
    int[] outOff = outputOffsets(f);
    Vjp.Result r = Vjp.apply(f, nb, Shape.of(k), leaves,
        (i, o) -> Seeds.identityBlock(nb, m0, k, outOff[i], o.shape()));
    return new DerivativeGraph(nb, leafCotangents(nb, r, leaves, k), withValues ? valuePieces(f, r.primal()::get) : List.of());
  }

  /**
   * Per leaf with a nonzero cotangent, the piece {@code (len, k)}: its K cotangents transposed
   * (for k = 1 this is a free reshape).
   */
  private static List<Piece> leafCotangents(GraphBuilder nb, Vjp.Result r, List<Node> leaves, int k) {
    List<Piece> pieces = new ArrayList<>();
    Map<Node, Integer> off = offsets(leaves);
    for (Node leaf : leaves) {
      Node c = r.cotangentOf(leaf);
      if (c != null) {
        int len = leaf.shape().size();
        Node t = nb.transpose(nb.reshape(c, Shape.of(k, len)), 1, 0);
        pieces.add(new Piece(t, off.get(leaf), len, 1));
      }
    }
    return pieces;
  }

  /**
   * JVP with a per-sample tangent (inputs {@code d:<leaf>}): per output a piece of 1 row; f's
   * values too when {@code withValues}.
   */
  public static DerivativeGraph jvp(Graph f, List<Node> leaves, boolean withValues) {
    GraphBuilder nb = new GraphBuilder();
    Map<Node, Node> seeds = new HashMap<>();
    Jvp.Result r = Jvp.apply(f, nb, Shape.of(1), leaf -> {
      if (seeds.isEmpty()) {
        for (Node l : leaves) {
          seeds.put(l, nb.input("d:" + l.name(), l.shape().prepend(1)));
        }
      }
      return seeds.get(leaf);
    });
    return new DerivativeGraph(nb, outputTangents(f, nb, r, 1), withValues ? valuePieces(f, r.primal()::get) : List.of());
  }

  /**
   * VJP with a per-sample cotangent (inputs {@code d:<output>}): per leaf a piece of 1 row; f's
   * values too when {@code withValues}.
   */
  public static DerivativeGraph vjp(Graph f, List<Node> leaves, boolean withValues) {
    GraphBuilder nb = new GraphBuilder();
    Vjp.Result r = Vjp.apply(f, nb, Shape.of(1), leaves,
        (i, o) -> nb.input("d:" + f.outputs().get(i).name(), o.shape().prepend(1)));
    return new DerivativeGraph(nb, leafCotangents(nb, r, leaves, 1), withValues ? valuePieces(f, r.primal()::get) : List.of());
  }

  /**
   * The gradient of a one-value function as a graph of its own: same inputs and params, one
   * output {@code grad} of shape {@code [N]} (the leaves' cotangents, flattened and joined).
   */
  public static Graph gradientGraph(Graph f, List<Node> leaves) {
    GraphBuilder nb = new GraphBuilder();
    Vjp.Result r = Vjp.apply(f, nb, Shape.of(1), leaves,
        (i, o) -> nb.broadcastTo(nb.scalar(1), o.shape().prepend(1)));
    Node[] parts = new Node[leaves.size()];
    for (int i = 0; i < parts.length; i++) {
      Node leaf = leaves.get(i);
      Node c = r.cotangentOf(leaf);
      Shape flat = Shape.of(leaf.shape().size());
      parts[i] = c == null ? nb.broadcastTo(nb.scalar(0), flat) : nb.reshape(c, flat);
    }
    nb.output("grad", nb.concat(0, parts));
    return nb.build();
  }

  private static List<Piece> outputTangents(Graph f, GraphBuilder nb, Jvp.Result r, int k) {
    List<Piece> pieces = new ArrayList<>();
    int o = 0;
    for (Graph.Output out : f.outputs()) {
      Node t = r.tangentOf(out.node());
      int len = out.node().shape().size();
      if (t != null) {
        pieces.add(new Piece(nb.reshape(t, Shape.of(k, len)), o, len, k));
      }
      o += len;
    }
    return pieces;
  }
}
