package io.batchjac.udfs;

import io.batchjac.engine.ad.Jvp;
import io.batchjac.engine.ad.Vjp;
import io.batchjac.engine.api.Backend;
import io.batchjac.engine.exec.Binding;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.exec.Plan;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * One engine operation on one function, derived and compiled ONCE and then run on any number of
 * samples: the per-row path of the SQL functions, where {@link io.batchjac.engine.api.Engine}
 * would rebuild the derivative graph and recompile its plan on every call (about 30 us per row
 * for the Borehole gradient, against about 2 us here).
 *
 * <p>The graphs are built exactly as the engine's facade builds them (same AD transformations,
 * same identity seeds, same blocks of directions, same output placement), so the results are
 * the facade's results bit for bit; {@code PreparedOpTest} checks that for every operation and
 * backend. (This mirrors the engine's package-private {@code DerivativeGraph}; an engine API
 * that hands out compiled operations would make the copy unnecessary.) Results use the facade's layouts:
 * evaluate and jvp (M, B), vjp (N, B), jacobian (M, N, B) and hessian (N, N, B), Fortran order,
 * sample b's block contiguous.
 *
 * <p>Immutable and thread-safe: every run gets its own buffers from the {@link Executor}.
 */
final class PreparedOp {
  /** Runs single rows and small batches on the calling thread. */
  static final Executor ONE_THREAD = new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES);

  /** A result piece per sample: {@code rows x len} values placed at {@code offset}. */
  private record Piece(Node node, int offset, int len, int rows) {}

  /**
   * One compiled graph and where its pieces go: rows style (pieces of {@code rows x len}, rows
   * {@code rowStride} apart, at {@code base + offset}) or columns style (transposed pieces of
   * {@code len x k}, row j at {@code base + (offset + j) * rowStride}).
   */
  private record Pass(Plan plan, List<Node> inputs, List<Piece> pieces, boolean columns, int base,
      int rowStride, int k, boolean[] extra, int[] inOffset, int[] inSize) {
    Pass {
      // where each graph input is read from: x's inputs in order, then the extra argument's
      extra = new boolean[inputs.size()];
      inOffset = new int[inputs.size()];
      inSize = new int[inputs.size()];
      int xOff = 0;
      int eOff = 0;
      for (int i = 0; i < inputs.size(); i++) {
        Node node = inputs.get(i);
        inSize[i] = node.shape().size();
        extra[i] = node.name().startsWith("d:");
        inOffset[i] = extra[i] ? eOff : xOff;
        if (extra[i]) {
          eOff += inSize[i];
        } else {
          xOff += inSize[i];
        }
      }
    }
  }

  private final List<Pass> passes;
  private final int outPerSample;
  private final int extraWidth;

  private PreparedOp(List<Pass> passes, int outPerSample, int extraWidth) {
    this.passes = passes;
    this.outPerSample = outPerSample;
    this.extraWidth = extraWidth;
  }

  /** Values per sample in the result. */
  int outPerSample() {
    return outPerSample;
  }

  /** Values per sample of the extra argument (tangent or cotangent); 0 when there is none. */
  int extraWidth() {
    return extraWidth;
  }

  // ------------------------------------------------------------------ constructions

  /** f itself: (M, B). */
  static PreparedOp evaluate(Graph f) {
    int m = f.outputSize();
    List<Piece> pieces = new ArrayList<>();
    int off = 0;
    for (Graph.Output o : f.outputs()) {
      int len = o.node().shape().size();
      pieces.add(new Piece(o.node(), off, len, 1));
      off += len;
    }
    return new PreparedOp(List.of(pass(f, pieces, false, 0, m, 0)), m, 0);
  }

  /** J u per sample: (M, B); the extra argument is u (N values per sample). */
  static PreparedOp jvp(Graph f) {
    List<Node> leaves = f.inputs();
    int m = f.outputSize();
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
    List<Piece> pieces = outputTangents(f, nb, r, 1);
    return new PreparedOp(List.of(pass(build(nb, pieces), pieces, false, 0, m, 0)), m, f.inputSize());
  }

  /** J^T v per sample: (N, B); the extra argument is v (M values per sample). */
  static PreparedOp vjp(Graph f) {
    List<Node> leaves = f.inputs();
    int n = f.inputSize();
    GraphBuilder nb = new GraphBuilder();
    Vjp.Result r = Vjp.apply(f, nb, Shape.of(1), leaves,
        (i, o) -> nb.input("d:" + f.outputs().get(i).name(), o.shape().prepend(1)));
    List<Piece> pieces = new ArrayList<>();
    Map<Node, Integer> off = offsets(leaves);
    for (Node leaf : leaves) {
      Node c = r.cotangentOf(leaf);
      if (c != null) {
        int len = leaf.shape().size();
        pieces.add(new Piece(nb.reshape(c, Shape.of(len)), off.get(leaf), len, 1));
      }
    }
    return new PreparedOp(List.of(pass(build(nb, pieces), pieces, false, 0, n, 0)), n, f.outputSize());
  }

  /** The per-sample Jacobian: (M, N, B), forward or reverse mode in blocks as the backend says. */
  static PreparedOp jacobian(Graph f, Backend backend) {
    return jacobian(f, f.inputs(), backend);
  }

  /** The per-sample Hessian of a one-value function: (N, N, B), forward over reverse. */
  static PreparedOp hessian(Graph f, Backend backend) {
    Graph grad = gradientGraph(f, f.inputs());
    return jacobian(grad, grad.inputs(), new Backend(Backend.Kind.FORWARD, backend.chunk()));
  }

  private static PreparedOp jacobian(Graph f, List<Node> leaves, Backend backend) {
    int n = size(leaves);
    int m = f.outputSize();
    List<Pass> passes = new ArrayList<>();
    if (backend.resolve(n, m) == Backend.Kind.FORWARD) {
      int k = backend.chunkFor(n);
      for (int k0 = 0; k0 < n; k0 += k) {
        int kk = Math.min(k, n - k0);
        GraphBuilder nb = new GraphBuilder();
        Map<Node, Integer> off = offsets(leaves);
        final int start = k0;
        Jvp.Result r = Jvp.apply(f, nb, Shape.of(kk), leaf ->
            off.containsKey(leaf) ? identityBlock(nb, start, kk, off.get(leaf), leaf.shape()) : null);
        List<Piece> pieces = outputTangents(f, nb, r, kk);
        passes.add(pass(build(nb, pieces), pieces, false, k0 * m, m, 0));
      }
    } else {
      int k = backend.chunkFor(m);
      int[] outOff = outputOffsets(f);
      for (int m0 = 0; m0 < m; m0 += k) {
        int kk = Math.min(k, m - m0);
        GraphBuilder nb = new GraphBuilder();
        final int start = m0;
        Vjp.Result r = Vjp.apply(f, nb, Shape.of(kk), leaves,
            (i, o) -> identityBlock(nb, start, kk, outOff[i], o.shape()));
        List<Piece> pieces = new ArrayList<>();
        Map<Node, Integer> off = offsets(leaves);
        for (Node leaf : leaves) {
          Node c = r.cotangentOf(leaf);
          if (c != null) {
            int len = leaf.shape().size();
            Node t = nb.transpose(nb.reshape(c, Shape.of(kk, len)), 1, 0);
            pieces.add(new Piece(t, off.get(leaf), len, 1));
          }
        }
        passes.add(pass(build(nb, pieces), pieces, true, m0, m, kk));
      }
    }
    return new PreparedOp(passes, m * n, 0);
  }

  /** The gradient of a one-value function as a graph with the same inputs and one output [N]. */
  private static Graph gradientGraph(Graph f, List<Node> leaves) {
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

  /** Block {@code [k0, k0+k)} of the identity, restricted to one leaf; null when it misses the leaf. */
  private static Node identityBlock(GraphBuilder b, int k0, int k, int offset, Shape leafShape) {
    int size = leafShape.size();
    if (k0 + k <= offset || k0 >= offset + size) {
      return null;
    }
    double[] d = new double[k * size];
    for (int r = 0; r < k; r++) {
      int j = k0 + r - offset;
      if (j >= 0 && j < size) {
        d[r * size + j] = 1.0;
      }
    }
    return b.constant(Tensor.of(leafShape.prepend(k), d));
  }

  private static Graph build(GraphBuilder nb, List<Piece> pieces) {
    if (pieces.isEmpty()) {
      return null; // every piece is identically zero
    }
    for (int i = 0; i < pieces.size(); i++) {
      nb.output("d" + i, pieces.get(i).node());
    }
    return nb.build();
  }

  private static Pass pass(Graph g, List<Piece> pieces, boolean columns, int base, int rowStride, int k) {
    if (g == null) {
      return new Pass(null, List.of(), List.of(), columns, base, rowStride, k, null, null, null);
    }
    Plan plan = Plan.compile(g, pieces.stream().map(Piece::node).toList());
    return new Pass(plan, g.inputs(), List.copyOf(pieces), columns, base, rowStride, k, null, null, null);
  }

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

  private static int size(List<Node> leaves) {
    int n = 0;
    for (Node l : leaves) {
      n += l.shape().size();
    }
    return n;
  }

  // ------------------------------------------------------------------ running

  /**
   * Computes {@code batch} samples on the calling thread.
   *
   * @param x {@code batch} rows of the function's N inputs, back to back
   * @param xWidth N
   * @param vec {@code batch} rows of {@link #extraWidth()} values (the tangent or cotangent), or
   *     null when the operation has none
   * @return {@code batch} blocks of {@link #outPerSample()} values (zero where a derivative is
   *     identically zero)
   */
  double[] run(double[] x, int xWidth, double[] vec, int batch) {
    return run(ONE_THREAD, x, xWidth, vec, batch);
  }

  double[] run(Executor executor, double[] x, int xWidth, double[] vec, int batch) {
    double[] out = new double[outPerSample * batch];
    for (Pass p : passes) {
      if (p.plan() == null) {
        continue;
      }
      boolean[] extra = p.extra();
      int[] inOffset = p.inOffset();
      int[] inSize = p.inSize();
      Binding[] in = new Binding[extra.length];
      for (int i = 0; i < in.length; i++) {
        in[i] = extra[i] ? Binding.contiguous(vec, inOffset[i], extraWidth, inSize[i])
            : Binding.contiguous(x, inOffset[i], xWidth, inSize[i]);
      }
      List<Piece> pieces = p.pieces();
      Binding[] ob = new Binding[pieces.size()];
      for (int i = 0; i < ob.length; i++) {
        Piece pc = pieces.get(i);
        ob[i] = p.columns()
            ? new Binding(out, p.base() + pc.offset() * p.rowStride(), outPerSample, pc.len(), p.k(), p.rowStride())
            : new Binding(out, p.base() + pc.offset(), outPerSample, pc.rows(), pc.len(), p.rowStride());
      }
      executor.run(p.plan(), batch, in, ob);
    }
    return out;
  }
}
