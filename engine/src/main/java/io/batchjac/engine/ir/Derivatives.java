package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The derivative operators of the function language and of {@link GraphBuilder} ({@code grad},
 * {@code jacobian}, {@code jvp}, {@code vjp}, {@code hessian}): each differentiates a value
 * {@code e} of the graph being built with respect to one leaf {@code v} (an input or a param),
 * holding every other leaf fixed, and returns the derivative as an ordinary node of the same
 * graph.
 *
 * <p>How. The operators differentiate symbolically and in place ({@link ForwardPass},
 * {@link ReversePass}): the rules of the primitives between {@code v} and {@code e} append the
 * derivative's nodes to the builder. The result is therefore a value like any other, which every
 * operator and every engine operation can differentiate again, to any order:
 * <ul>
 *   <li>No perturbation confusion: a derivative is a graph, not a tagged number, so in
 *       {@code x * grad(x * y, y)} the inner operator sees {@code x} as the value it is and the
 *       outer derivative with respect to {@code x} is {@code 2x}.</li>
 *   <li>Full semantics: the tangent {@code u} of {@code jvp} and the cotangent {@code w} of
 *       {@code vjp} are ordinary values and are differentiated through:
 *       {@code d/dx jvp(x^3, x, x) = 9x^2} (Lux.jl drops the term through {@code u} and gives
 *       {@code 6x^2}).</li>
 * </ul>
 *
 * <p>Modes (the results agree to rounding whichever runs): {@code grad} and {@code vjp} run in
 * reverse mode, {@code jvp} in forward mode, {@code jacobian} in reverse mode when
 * {@code size(e) <= size(v)} (one cotangent direction per element of e) and in forward mode
 * otherwise, and {@code hessian} forward over reverse (the forward-mode Jacobian of the
 * reverse-mode gradient, as JAX recommends). A derivative that is identically zero (e does not
 * depend on v) is a zero constant, stored once.
 *
 * <p>Shapes (per sample): {@code grad(e, v)}: shape(v), e scalar. {@code jacobian(e, v)}:
 * shape(e) + shape(v), element {@code [i..., j...] = d e[i...] / d v[j...]}. {@code jvp(e, v,
 * u)}: shape(e), u shaped like v. {@code vjp(e, v, w)}: shape(v), w shaped like e.
 * {@code hessian(e, v)}: shape(v) + shape(v), e scalar.
 */
final class Derivatives {
  private Derivatives() {}

  static Node grad(GraphBuilder b, Node e, Node v) {
    requireLeaf("grad", v);
    requireScalar("grad", e);
    Node c = reverse(b, e, v, Shape.of(1), b.broadcastTo(b.scalar(1), Shape.of(1)));
    return c == null ? zeros(b, v.shape()) : b.reshape(c, v.shape());
  }

  static Node jacobian(GraphBuilder b, Node e, Node v) {
    requireLeaf("jacobian", v);
    int m = e.shape().size();
    int n = v.shape().size();
    Shape result = e.shape().concat(v.shape());
    if (m <= n) {
      Node c = reverse(b, e, v, Shape.of(m), Seeds.identityBlock(b, 0, m, 0, e.shape()));
      return c == null ? zeros(b, result) : b.reshape(c, result);
    }
    return forwardJacobian(b, e, v, result);
  }

  static Node jvp(GraphBuilder b, Node e, Node v, Node u) {
    requireLeaf("jvp", v);
    if (!u.shape().equals(v.shape())) {
      throw new ShapeException("jvp: the tangent has shape " + u.shape() + " but it must have the shape of "
          + describe(v) + ", " + v.shape());
    }
    Node t = forward(b, e, v, Shape.of(1), b.reshape(u, v.shape().prepend(1)));
    return t == null ? zeros(b, e.shape()) : b.reshape(t, e.shape());
  }

  static Node vjp(GraphBuilder b, Node e, Node v, Node w) {
    requireLeaf("vjp", v);
    if (!w.shape().equals(e.shape())) {
      throw new ShapeException("vjp: the cotangent has shape " + w.shape()
          + " but it must have the shape of the differentiated value, " + e.shape());
    }
    Node c = reverse(b, e, v, Shape.of(1), b.reshape(w, e.shape().prepend(1)));
    return c == null ? zeros(b, v.shape()) : b.reshape(c, v.shape());
  }

  static Node hessian(GraphBuilder b, Node e, Node v) {
    requireLeaf("hessian", v);
    requireScalar("hessian", e);
    Node g = grad(b, e, v);
    return forwardJacobian(b, g, v, v.shape().concat(v.shape()));
  }

  // ---------------------------------------------------------------- machinery

  /** d e / d v by forward mode, one direction per element of v, laid out as {@code result}. */
  private static Node forwardJacobian(GraphBuilder b, Node e, Node v, Shape result) {
    int m = e.shape().size();
    int n = v.shape().size();
    Node t = forward(b, e, v, Shape.of(n), Seeds.identityBlock(b, 0, n, 0, v.shape()));
    if (t == null) {
      return zeros(b, result);
    }
    return b.reshape(b.transpose(b.reshape(t, Shape.of(n, m)), 1, 0), result);
  }

  /** The tangent of e (shape lead + shape(e)) for the seed of v, or null when it is zero. */
  private static Node forward(GraphBuilder b, Node e, Node v, Shape lead, Node seed) {
    Map<Node, Node> tangent = new HashMap<>();
    tangent.put(v, seed);
    ForwardPass.push(new RuleContext(b, lead), cone(b, e, v), tangent);
    return tangent.get(e);
  }

  /** The cotangent of v (shape lead + shape(v)) for the seed of e, or null when it is zero. */
  private static Node reverse(GraphBuilder b, Node e, Node v, Shape lead, Node seed) {
    Map<Node, List<Node>> seeds = new HashMap<>();
    seeds.put(e, new ArrayList<>(List.of(seed)));
    return ReversePass.pull(new RuleContext(b, lead), cone(b, e, v), List.of(v), seeds).get(v);
  }

  /**
   * The nodes through which e depends on v, in topological order: v, e, and the operations that
   * are ancestors of e and depend on v. Empty when e does not depend on v. Only these need a
   * rule, however much else the builder holds.
   */
  static List<Node> cone(GraphBuilder b, Node e, Node v) {
    int lo = v.id();
    if (e.id() < lo) {
      return List.of();
    }
    BitSet ancestor = new BitSet();
    Deque<Node> todo = new ArrayDeque<>();
    todo.push(e);
    ancestor.set(e.id());
    while (!todo.isEmpty()) {
      for (Node a : todo.pop().args()) {
        if (a.id() >= lo && !ancestor.get(a.id())) {
          ancestor.set(a.id());
          todo.push(a);
        }
      }
    }
    if (!ancestor.get(lo)) {
      return List.of();
    }
    BitSet depends = new BitSet();
    depends.set(lo);
    List<Node> order = new ArrayList<>();
    order.add(v);
    for (int id = ancestor.nextSetBit(lo + 1); id >= 0; id = ancestor.nextSetBit(id + 1)) {
      Node n = b.node(id);
      for (Node a : n.args()) {
        if (depends.get(a.id())) {
          depends.set(id);
          order.add(n);
          break;
        }
      }
    }
    return order;
  }

  private static Node zeros(GraphBuilder b, Shape shape) {
    return b.broadcastTo(b.scalar(0), shape);
  }

  private static void requireLeaf(String op, Node v) {
    if (v.kind() != Node.Kind.INPUT && v.kind() != Node.Kind.PARAM) {
      throw new IllegalArgumentException(op + ": the variable must be an input or a param, but found "
          + (v.kind() == Node.Kind.CONSTANT ? "a constant" : "the value of an operation (" + v.op().name() + ")"));
    }
  }

  private static void requireScalar(String op, Node e) {
    if (e.shape().size() != 1 || e.shape().rank() != 0) {
      throw new ShapeException(op + ": the differentiated value must be a scalar, but it has shape "
          + e.shape() + (op.equals("grad") ? " (use jacobian for a non-scalar value)" : ""));
    }
  }

  private static String describe(Node v) {
    return (v.kind() == Node.Kind.INPUT ? "input '" : "param '") + v.name() + "'";
  }
}
