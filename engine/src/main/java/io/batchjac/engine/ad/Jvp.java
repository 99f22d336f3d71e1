package io.batchjac.engine.ad;

import io.batchjac.engine.ir.ForwardPass;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.RuleContext;
import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Forward mode: copies a graph into a builder and pushes tangents through it with every
 * primitive's JVP rule, K directions at once. A tangent of a value of shape S has shape
 * {@code lead + S} (lead is usually {@code [K]}); tangents of values that do not depend on the
 * seeded leaves are symbolic zeros and cost nothing. The pass itself is {@link ForwardPass},
 * run over the copy.
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
    Map<Node, Node> onCopies = new HashMap<>();
    List<Node> order = new ArrayList<>();
    for (Node n : g.nodes()) {
      Node copy = primal.get(n);
      order.add(copy);
      if (n.kind() == Node.Kind.INPUT || n.kind() == Node.Kind.PARAM) {
        Node seed = seeds.apply(n);
        if (seed != null) {
          Shape want = n.shape().prepend(lead.dims());
          if (!seed.shape().equals(want)) {
            throw new IllegalArgumentException("seed for " + n.name() + " has shape " + seed.shape()
                + ", expected " + want);
          }
          onCopies.put(copy, seed);
        }
      }
    }
    ForwardPass.push(new RuleContext(nb, lead), order, onCopies);
    Map<Node, Node> tangent = new HashMap<>();
    for (Node n : g.nodes()) {
      Node t = onCopies.get(primal.get(n));
      if (t != null) {
        tangent.put(n, t);
      }
    }
    return new Result(primal, tangent);
  }
}
