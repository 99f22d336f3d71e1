package io.batchjac.engine.codegen;

import java.util.Objects;

/**
 * The scalar definition of an elementwise primitive, as Java source: the one place a primitive's
 * arithmetic is written. Every executable form is generated from it ({@link Kernels}): the scalar
 * function, the interpreter's loops and the loops of fused groups ({@link KernelSource}).
 *
 * @param name the primitive's name (for messages and generated identifiers' comments)
 * @param expression a Java expression of type double in {@code x} (unary) or {@code x} and
 *     {@code y} (binary); it may call public static methods by their fully qualified names
 * @param arity 1 or 2
 * @param strongZero for a binary primitive: the value is {@code x == 0 ? 0.0 : expression}
 *     (an exactly zero {@code x} gives +0 whatever {@code y}, NaN and infinities included); the
 *     loops compute it as the plain expression and then zero the elements whose x is zero
 * @param tileKernel for a unary primitive: null, or the fully qualified name of a static method
 *     {@code (double[] x, double[] o, int m, double[][] scratch)} that computes the first m
 *     values of a tile bitwise equal to the expression (VecMath's vectorized kernels); loops then
 *     call it on tiles indexed from 0
 */
public record Definition(String name, String expression, int arity, boolean strongZero, String tileKernel) {
  public Definition {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(expression, "expression");
    if (arity != 1 && arity != 2) {
      throw new IllegalArgumentException("arity must be 1 or 2, got " + arity);
    }
    if (strongZero && arity != 2) {
      throw new IllegalArgumentException(name + ": only a binary primitive has a strong zero");
    }
    if (tileKernel != null && arity != 1) {
      throw new IllegalArgumentException(name + ": only a unary primitive has a tile kernel");
    }
  }

  /** A unary definition {@code f(x) = expression}. */
  public static Definition unary(String name, String expression) {
    return new Definition(name, expression, 1, false, null);
  }

  /** A unary definition with a vectorized tile kernel bitwise equal to the expression. */
  public static Definition unary(String name, String expression, String tileKernel) {
    return new Definition(name, expression, 1, false, tileKernel);
  }

  /** A binary definition {@code f(x, y) = expression}. */
  public static Definition binary(String name, String expression) {
    return new Definition(name, expression, 2, false, null);
  }

  /** A binary definition {@code f(x, y) = x == 0 ? 0.0 : expression}. */
  public static Definition strongZero(String name, String expression) {
    return new Definition(name, expression, 2, true, null);
  }

  /** The same arithmetic without the strong zero (what a product by finite factors reduces to). */
  public Definition plain() {
    return strongZero ? new Definition(name + "_plain", expression, 2, false, null) : this;
  }

  /**
   * A Java literal of exactly this double ({@link Double#toString} round-trips), parenthesized
   * when negative; NaN and the infinities by their constants.
   */
  public static String literal(double v) {
    if (Double.isNaN(v)) {
      return "Double.NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Double.POSITIVE_INFINITY" : "Double.NEGATIVE_INFINITY";
    }
    String s = Double.toString(v);
    return v < 0 || (v == 0 && 1 / v < 0) ? "(" + s + ")" : s;
  }
}
