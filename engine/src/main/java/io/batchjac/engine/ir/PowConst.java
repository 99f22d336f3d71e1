package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;

/**
 * {@code x ^ c} elementwise for a constant exponent {@code c} (what {@code x^2} becomes):
 * cheaper and safer than the general {@code pow}, whose partial in the exponent needs
 * {@code log(x)}. Rule: {@code d(x^c) = c * x^(c-1) * dx}. The executor multiplies for small
 * integer {@code c} and uses {@code sqrt} for 0.5.
 */
public final class PowConst extends Op {
  private final double exponent;

  PowConst(double exponent) {
    this.exponent = exponent;
  }

  public double exponent() {
    return exponent;
  }

  @Override
  public String name() {
    return "^" + exponent;
  }

  @Override
  public Shape shape(Shape[] args) {
    return args[0];
  }

  private Node derivative(GraphBuilder b, Node x) {
    if (exponent == 0) {
      return null;
    }
    if (exponent == 1) {
      return b.scalar(1);
    }
    return b.mul(b.scalar(exponent), b.powConst(x, exponent - 1));
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    Node d = derivative(r.b(), x[0]);
    return d == null ? null : r.fit(r.b().zmul(dx[0], d), out.shape());
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    Node d = derivative(r.b(), x[0]);
    return new Node[] {d == null ? null : r.fit(r.b().zmul(ct, d), x[0].shape())};
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PowConst && ((PowConst) o).exponent == exponent;
  }

  @Override
  public int hashCode() {
    return Double.hashCode(exponent);
  }
}
