package io.batchjac.engine.ir;

import java.util.List;
import java.util.Map;

/**
 * The forward-mode pass: pushes tangents through nodes of one builder with every primitive's
 * JVP rule, K directions at once (a tangent of a value of shape S has shape
 * {@code lead + S}). It differentiates nodes where they are (in place): the primal values the
 * rules read are the nodes themselves, and the tangent nodes are appended to the same builder,
 * so the result is an ordinary value of the graph being built, differentiable again.
 * {@link io.batchjac.engine.ad.Jvp} runs it over a copy of a whole graph; the derivative
 * operators of {@link Derivatives} over the part of a builder between a leaf and a value.
 */
public final class ForwardPass {
  private ForwardPass() {}

  /**
   * Adds to {@code tangent} the tangent of every operation node of {@code order} that depends on
   * an already seeded node. Nodes whose tangent is a symbolic zero get no entry.
   *
   * @param ctx the builder the nodes belong to, and the leading shape of tangents
   * @param order nodes of that builder in topological order (operands first)
   * @param tangent seeded nodes and their tangents (shape {@code lead + node shape}); filled in
   */
  public static void push(RuleContext ctx, List<Node> order, Map<Node, Node> tangent) {
    for (Node n : order) {
      if (n.kind() != Node.Kind.OP || tangent.containsKey(n)) {
        continue;
      }
      Node[] args = new Node[n.arity()];
      Node[] dargs = new Node[n.arity()];
      boolean any = false;
      for (int i = 0; i < args.length; i++) {
        args[i] = n.arg(i);
        dargs[i] = tangent.get(args[i]);
        any |= dargs[i] != null;
      }
      if (any) {
        Node t = n.op().jvp(ctx, n, args, dargs);
        if (t != null) {
          tangent.put(n, t);
        }
      }
    }
  }
}
