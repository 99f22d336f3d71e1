package io.batchjac.engine.ir;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.Kernels;
import io.batchjac.engine.tensor.Shape;
import java.util.function.DoubleBinaryOperator;

/**
 * An elementwise function of two operands with NumPy broadcasting: {@code out = f(x, y)}.
 * Its rules are the two partial derivatives as graphs ({@link Partial}); the JVP is
 * {@code px * dx + py * dy} and the VJP sums {@code ct * px} (and {@code ct * py}) back over the
 * broadcast axes. The table of instances is {@link Elementwise}.
 *
 * <p>Both rules multiply a (co)tangent by a partial with {@link Elementwise#ZMUL}: an exactly
 * zero (co)tangent, such as the one {@code where} sends to its unchosen branch, contributes
 * exactly zero even where the partial is infinite or NaN.
 */
public final class Binary extends Op {
  private final Definition definition;
  private final Partial px;
  private final Partial py;
  private final boolean strongZero;
  private final boolean quotient;

  /**
   * @param definition the scalar definition; a strong-zero one ({@link Definition#strongZero()}:
   *     a product-like op whose result is exactly 0 where {@code x} is 0, whatever {@code y}, see
   *     {@link Elementwise#ZMUL}) gets rules that keep that property at every order
   */
  Binary(Definition definition, Partial px, Partial py) {
    this(definition, px, py, false);
  }

  private Binary(Definition definition, Partial px, Partial py, boolean quotient) {
    this.definition = definition;
    this.px = px;
    this.py = py;
    this.strongZero = definition.strongZero();
    this.quotient = quotient;
  }

  /**
   * A division ({@code x / y}, or {@link Elementwise#ZDIV} for a strong-zero definition): its rules
   * divide the (co)tangent by y with {@code zdiv} instead of multiplying it by the partials
   * {@code 1/y} and {@code -out/y} (VJP: {@code cx = zdiv(ct, y)}, {@code cy = -(cx * out)}; JVP:
   * {@code zdiv(dx, y) - zdiv(dy, y) * out}, the product strong in the tangent for {@code /} and
   * in {@code out} for zdiv, whose value is a strong zero): two kernels instead of five per
   * division in reverse mode, one rounding fewer, the same zero-preserving semantics.
   */
  static Binary quotient(Definition definition) {
    return new Binary(definition, null, null, true);
  }

  @Override
  public String name() {
    return definition.name();
  }

  /** The scalar definition, the source of every executable form (see {@link Elementwise}). */
  public Definition definition() {
    return definition;
  }

  /** The scalar function, generated from the definition (compiled on first use). */
  public DoubleBinaryOperator fn() {
    return Kernels.of(definition);
  }

  @Override
  public Shape shape(Shape[] args) {
    Shape s = Shape.broadcastOrNull(args[0], args[1]);
    if (s == null) {
      throw new ShapeException(name() + ": shapes " + args[0] + " and " + args[1] + " do not broadcast");
    }
    return s;
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    int rank = out.shape().rank();
    if (quotient) {
      Node ax = r.align(dx[0], x[0].shape(), rank);
      Node ay = r.align(dx[1], x[1].shape(), rank);
      Node tx = ax == null ? null : r.b().zdiv(ax, x[1]);
      Node dyOverY = ay == null ? null : r.b().zdiv(ay, x[1]);
      // zdiv's value is a strong zero where x is 0: its y-term vanishes there; for / the zero
      // that must stay zero is the tangent's
      Node ty = ay == null ? null : r.b().neg(strongZero ? r.b().zmul(out, dyOverY) : r.b().zmul(dyOverY, out));
      return r.fit(r.add(tx, ty), out.shape());
    }
    if (strongZero) {
      Node ax = r.align(dx[0], x[0].shape(), rank);
      Node ay = r.align(dx[1], x[1].shape(), rank);
      Node tx = ax == null ? null : r.b().zmul(ax, x[1]);
      Node ty = ay == null ? null : r.b().zmul(x[0], ay);
      return r.fit(r.add(tx, ty), out.shape());
    }
    Node tx = term(r, px, x, out, r.align(dx[0], x[0].shape(), rank));
    Node ty = term(r, py, x, out, r.align(dx[1], x[1].shape(), rank));
    return r.fit(r.add(tx, ty), out.shape());
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    if (quotient) {
      Node q = r.b().zdiv(ct, x[1]);
      Node sx = needs[0] ? r.unbroadcast(q, x[0].shape()) : null;
      Node sy = needs[1] ? r.unbroadcast(r.b().neg(r.b().zmul(q, out)), x[1].shape()) : null;
      return new Node[] {sx, sy};
    }
    if (strongZero) {
      Node sx = needs[0] ? r.unbroadcast(r.b().zmul(ct, x[1]), x[0].shape()) : null;
      Node sy = needs[1] ? r.unbroadcast(r.b().zmul(x[0], ct), x[1].shape()) : null;
      return new Node[] {sx, sy};
    }
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
    return pv == null ? null : r.b().zmul(t, pv);
  }
}
