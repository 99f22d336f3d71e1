package io.batchjac.engine.ad;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.RuleContext;
import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reverse mode: copies a graph into a builder, then walks it backwards applying every
 * primitive's VJP (transpose) rule, accumulating cotangents of shape {@code lead + S} for K
 * cotangent directions at once. Only nodes that depend on a requested leaf receive cotangents.
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
      java.util.function.BiFunction<Integer, Node, Node> outputSeeds) {
    Map<Node, Node> primal = Copier.copy(g, nb);
    RuleContext ctx = new RuleContext(nb, lead);
    Set<Node> needs = dependents(g, wrt);
    Map<Node, List<Node>> ct = new HashMap<>();
    List<Graph.Output> outs = g.outputs();
    for (int k = 0; k < outs.size(); k++) {
      Node o = outs.get(k).node();
      Node seed = outputSeeds.apply(k, primal.get(o));
      if (seed != null && needs.contains(o)) {
        Shape want = o.shape().prepend(lead.dims());
        if (!seed.shape().equals(want)) {
          throw new IllegalArgumentException("cotangent seed for output " + outs.get(k).name()
              + " has shape " + seed.shape() + ", expected " + want);
        }
        ct.computeIfAbsent(o, key -> new ArrayList<>()).add(seed);
      }
    }
    List<Node> nodes = g.nodes();
    for (int i = nodes.size() - 1; i >= 0; i--) {
      Node n = nodes.get(i);
      if (!ct.containsKey(n) || n.kind() != Node.Kind.OP) {
        continue;
      }
      Node c = Accumulate.sum(nb, ct.get(n));
      Node[] args = new Node[n.arity()];
      boolean[] want = new boolean[n.arity()];
      for (int a = 0; a < args.length; a++) {
        args[a] = primal.get(n.arg(a));
        want[a] = needs.contains(n.arg(a));
      }
      Node[] cs = n.op().vjp(ctx, primal.get(n), args, c, want);
      for (int a = 0; a < args.length; a++) {
        if (want[a] && cs[a] != null) {
          ct.computeIfAbsent(n.arg(a), key -> new ArrayList<>()).add(cs[a]);
        }
      }
    }
    Map<Node, Node> result = new HashMap<>();
    for (Node leaf : wrt) {
      if (ct.containsKey(leaf)) {
        result.put(leaf, Accumulate.sum(nb, ct.get(leaf)));
      }
    }
    return new Result(primal, result);
  }

  /** The nodes of {@code g} that depend on any of {@code leaves} (the leaves included). */
  static Set<Node> dependents(Graph g, List<Node> leaves) {
    Set<Node> dep = new HashSet<>(leaves);
    for (Node n : g.nodes()) {
      if (n.kind() == Node.Kind.OP) {
        for (Node a : n.args()) {
          if (dep.contains(a)) {
            dep.add(n);
            break;
          }
        }
      }
    }
    return dep;
  }
}
