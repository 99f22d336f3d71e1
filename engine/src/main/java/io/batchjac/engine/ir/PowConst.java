package io.batchjac.engine.ir;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.tensor.Shape;

/**
 * {@code x ^ c} elementwise for a constant exponent {@code c} (what {@code x^2} becomes):
 * cheaper and safer than the general {@code pow}, whose partial in the exponent needs
 * {@code log(x)}. Rule: {@code d(x^c) = c * x^(c-1) * dx}. Its scalar definition
 * ({@link #definition()}) multiplies for small integer {@code c} and uses {@code sqrt} for 0.5.
 */
public final class PowConst extends Op {
  private final double exponent;

  public PowConst(double exponent) {
    this.exponent = exponent;
  }

  public double exponent() {
    return exponent;
  }

  /**
   * The scalar definition of {@code x ^ c} for this c: multiplications for integer exponents up
   * to 8 in magnitude (x^4 = (x^2)^2, a reciprocal after for negative ones, {@link #intPower}),
   * sqrt for +-0.5, {@link Math#pow} otherwise; 1 for c = 0 (NaN included), x for c = 1.
   */
  public Definition definition() {
    double c = exponent;
    String e;
    if (c == 0) {
      e = "1.0";
    } else if (c == 1) {
      e = "x";
    } else if (c == 2) {
      e = "x * x";
    } else if (c == 3) {
      e = "x * x * x";
    } else if (c == 4) {
      e = "(x * x) * (x * x)";
    } else if (c == -1) {
      e = "1.0 / x";
    } else if (c == -2) {
      e = "1.0 / (x * x)";
    } else if (c == 0.5) {
      e = "Math.sqrt(x)";
    } else if (c == -0.5) {
      e = "1.0 / Math.sqrt(x)";
    } else if (c == Math.rint(c) && Math.abs(c) <= 8) {
      e = "io.batchjac.engine.ir.PowConst.intPower(x, " + Definition.literal(c) + ")";
    } else {
      e = "Math.pow(x, " + Definition.literal(c) + ")";
    }
    return Definition.unary(name(), e);
  }

  /** x^c for an integer c, 0 < |c| <= 8, by squaring (a reciprocal at the end when c < 0). */
  public static double intPower(double x, double c) {
    int e = (int) Math.abs(c);
    double result = 1;
    double base = x;
    while (e > 0) {
      if ((e & 1) != 0) {
        result *= base;
      }
      e >>= 1;
      if (e > 0) {
        base *= base;
      }
    }
    return c < 0 ? 1 / result : result;
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
