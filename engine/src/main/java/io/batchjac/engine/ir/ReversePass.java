package io.batchjac.engine.ir;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The reverse-mode pass: walks nodes of one builder backwards applying every primitive's VJP
 * (transpose) rule, K cotangent directions at once (shape {@code lead + S}). Like
 * {@link ForwardPass} it works in place: rules read the nodes themselves as primal values and
 * append the cotangent nodes to the same builder. Only nodes that depend on a requested leaf
 * receive cotangents; contributions are summed by {@link Accumulate} in a fixed order.
 */
public final class ReversePass {
  private ReversePass() {}

  /**
   * The cotangents of {@code wrt}, given the seeded cotangents of some nodes.
   *
   * @param ctx the builder the nodes belong to, and the leading shape of cotangents
   * @param order nodes of that builder in topological order, containing {@code wrt}, the seeded
   *     nodes and every node between them
   * @param wrt the leaves whose cotangents are wanted
   * @param seeds cotangent contributions of seeded nodes (filled in as the pass runs)
   * @return the summed cotangent of each leaf of {@code wrt} that received one (absent = zero)
   */
  public static Map<Node, Node> pull(RuleContext ctx, List<Node> order, List<Node> wrt,
      Map<Node, List<Node>> seeds) {
    Set<Node> needs = dependents(order, wrt);
    Map<Node, List<Node>> ct = new HashMap<>();
    seeds.forEach((n, cs) -> {
      if (needs.contains(n)) {
        ct.put(n, new ArrayList<>(cs));
      }
    });
    GraphBuilder b = ctx.b();
    for (int i = order.size() - 1; i >= 0; i--) {
      Node n = order.get(i);
      if (!ct.containsKey(n) || n.kind() != Node.Kind.OP) {
        continue;
      }
      Node c = Accumulate.sum(b, ct.get(n));
      Node[] args = new Node[n.arity()];
      boolean[] want = new boolean[n.arity()];
      for (int a = 0; a < args.length; a++) {
        args[a] = n.arg(a);
        want[a] = needs.contains(args[a]);
      }
      Node[] cs = n.op().vjp(ctx, n, args, c, want);
      for (int a = 0; a < args.length; a++) {
        if (want[a] && cs[a] != null) {
          ct.computeIfAbsent(args[a], key -> new ArrayList<>()).add(cs[a]);
        }
      }
    }
    Map<Node, Node> result = new HashMap<>();
    for (Node leaf : wrt) {
      if (ct.containsKey(leaf)) {
        result.put(leaf, Accumulate.sum(b, ct.get(leaf)));
      }
    }
    return result;
  }

  /** The nodes of {@code order} that depend on any of {@code leaves} (the leaves included). */
  public static Set<Node> dependents(List<Node> order, List<Node> leaves) {
    Set<Node> dep = new HashSet<>(leaves);
    for (Node n : order) {
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
