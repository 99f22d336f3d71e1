package io.batchjac.engine.ad;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.RuleContext;
import io.batchjac.engine.tensor.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Forward mode: copies a graph into a builder and pushes tangents through it with every
 * primitive's JVP rule, K directions at once. A tangent of a value of shape S has shape
 * {@code lead + S} (lead is usually {@code [K]}); tangents of values that do not depend on the
 * seeded leaves are symbolic zeros and cost nothing.
 */
public final class Jvp {
  /** The copied graph's nodes and their tangents (null = zero), both keyed by the ORIGINAL node. */
  public record Result(Map<Node, Node> primal, Map<Node, Node> tangent) {
    /** The tangent of an original node, or null for zero. */
    public Node tangentOf(Node original) {
      return tangent.get(original);
    }
  }

  private Jvp() {}

  /**
   * Copies {@code g} into {@code nb} and builds tangents.
   *
   * @param lead the leading shape of every tangent (e.g. {@code [K]})
   * @param seeds given a leaf of {@code g} (input or param) and its copy, the tangent to seed it
   *     with (a node of {@code nb} of shape {@code lead + leaf shape}), or null for zero
   */
  public static Result apply(Graph g, GraphBuilder nb, Shape lead, Function<Node, Node> seeds) {
    Map<Node, Node> primal = Copier.copy(g, nb);
    Map<Node, Node> tangent = new HashMap<>();
    RuleContext ctx = new RuleContext(nb, lead);
    for (Node n : g.nodes()) {
      if (n.kind() == Node.Kind.INPUT || n.kind() == Node.Kind.PARAM) {
        Node seed = seeds.apply(n);
        if (seed != null) {
          Shape want = n.shape().prepend(lead.dims());
          if (!seed.shape().equals(want)) {
            throw new IllegalArgumentException("seed for " + n.name() + " has shape " + seed.shape()
                + ", expected " + want);
          }
          tangent.put(n, seed);
        }
      } else if (n.kind() == Node.Kind.OP) {
        Node[] args = new Node[n.arity()];
        Node[] dargs = new Node[n.arity()];
        boolean any = false;
        for (int i = 0; i < args.length; i++) {
          args[i] = primal.get(n.arg(i));
          dargs[i] = tangent.get(n.arg(i));
          any |= dargs[i] != null;
        }
        if (any) {
          Node t = n.op().jvp(ctx, primal.get(n), args, dargs);
          if (t != null) {
            tangent.put(n, t);
          }
        }
      }
    }
    return new Result(primal, tangent);
  }
}
