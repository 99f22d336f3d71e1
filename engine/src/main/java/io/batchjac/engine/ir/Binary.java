package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import java.util.function.DoubleBinaryOperator;

/**
 * An elementwise function of two operands with NumPy broadcasting: {@code out = f(x, y)}.
 * Its rules are the two partial derivatives as graphs ({@link Partial}); the JVP is
 * {@code px * dx + py * dy} and the VJP sums {@code ct * px} (and {@code ct * py}) back over the
 * broadcast axes. The table of instances is {@link Elementwise}.
 */
public final class Binary extends Op {
  private final String name;
  private final DoubleBinaryOperator fn;
  private final Partial px;
  private final Partial py;

  Binary(String name, DoubleBinaryOperator fn, Partial px, Partial py) {
    this.name = name;
    this.fn = fn;
    this.px = px;
    this.py = py;
  }

  @Override
  public String name() {
    return name;
  }

  /** The scalar function (the definition; the executor runs it per element). */
  public DoubleBinaryOperator fn() {
    return fn;
  }

  @Override
  public Shape shape(Shape[] args) {
    Shape s = Shape.broadcastOrNull(args[0], args[1]);
    if (s == null) {
      throw new ShapeException(name + ": shapes " + args[0] + " and " + args[1] + " do not broadcast");
    }
    return s;
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    int rank = out.shape().rank();
    Node tx = term(r, px, x, out, r.align(dx[0], x[0].shape(), rank));
    Node ty = term(r, py, x, out, r.align(dx[1], x[1].shape(), rank));
    return r.fit(r.add(tx, ty), out.shape());
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    Node cx = needs[0] ? r.unbroadcast(term(r, px, x, out, ct), x[0].shape()) : null;
    Node cy = needs[1] ? r.unbroadcast(term(r, py, x, out, ct), x[1].shape()) : null;
    return new Node[] {cx, cy};
  }

  private static Node term(RuleContext r, Partial p, Node[] x, Node out, Node t) {
    if (t == null) {
      return null;
    }
    if (p == Partial.ONE || p == Partial.MINUS_ONE) {
      return r.scale(p, null, t);
    }
    Node pv = p.of(r.b(), x[0], x[1], out);
    return pv == null ? null : r.b().mul(pv, t);
  }
}
