package io.batchjac.engine.ad;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.ReversePass;
import io.batchjac.engine.ir.RuleContext;
import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;

/**
 * Reverse mode: copies a graph into a builder, then walks it backwards applying every
 * primitive's VJP (transpose) rule, accumulating cotangents of shape {@code lead + S} for K
 * cotangent directions at once. Only nodes that depend on a requested leaf receive cotangents.
 * The pass itself is {@link ReversePass}, run over the copy.
 */
public final class Vjp {
  /** The copied graph's nodes (keyed by original node) and the cotangents of the requested leaves. */
  public record Result(Map<Node, Node> primal, Map<Node, Node> cotangent) {
    /** The cotangent of a requested leaf (original node), or null when it is zero. */
    public Node cotangentOf(Node leaf) {
      return cotangent.get(leaf);
    }
  }

  private Vjp() {}

  /**
   * @param wrt the leaves (inputs or params of {@code g}) whose cotangents are wanted
   * @param outputSeeds given an output of {@code g} (by index) and the copied output node, its
   *     cotangent (a node of {@code nb} of shape {@code lead + output shape}), or null for zero
   */
  public static Result apply(Graph g, GraphBuilder nb, Shape lead, List<Node> wrt,
      BiFunction<Integer, Node, Node> outputSeeds) {
    Map<Node, Node> primal = Copier.copy(g, nb);
    List<Node> order = g.nodes().stream().map(primal::get).toList();
    List<Node> wrtCopies = wrt.stream().map(primal::get).toList();
    Map<Node, List<Node>> seeds = new HashMap<>();
    List<Graph.Output> outs = g.outputs();
    for (int k = 0; k < outs.size(); k++) {
      Node o = primal.get(outs.get(k).node());
      Node seed = outputSeeds.apply(k, o);
      if (seed != null) {
        Shape want = o.shape().prepend(lead.dims());
        if (!seed.shape().equals(want)) {
          throw new IllegalArgumentException("cotangent seed for output " + outs.get(k).name()
              + " has shape " + seed.shape() + ", expected " + want);
        }
        seeds.computeIfAbsent(o, key -> new ArrayList<>()).add(seed);
      }
    }
    Map<Node, Node> onCopies = ReversePass.pull(new RuleContext(nb, lead), order, wrtCopies, seeds);
    Map<Node, Node> result = new HashMap<>();
    for (Node leaf : wrt) {
      Node c = onCopies.get(primal.get(leaf));
      if (c != null) {
        result.put(leaf, c);
      }
    }
    return new Result(primal, result);
  }
}
