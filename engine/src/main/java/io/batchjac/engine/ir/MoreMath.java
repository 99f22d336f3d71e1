package io.batchjac.engine.ir;

/**
 * Scalar functions that {@link Math} lacks, accurate to a few ulps over the whole double range.
 */
public final class MoreMath {
  private static final double TWO_OVER_SQRT_PI = 1.1283791670955126;
  private static final double ONE_OVER_SQRT_PI = 0.5641895835477563;

  private MoreMath() {}

  /**
   * The error function. For |x| < 3 the series {@code erf(x) = 2/sqrt(pi) exp(-x^2)
   * sum_n 2^n x^(2n+1) / (1*3*...*(2n+1))}, whose terms are all positive (no cancellation); for
   * larger |x|, {@code 1 - erfc(x)} with erfc from its continued fraction.
   */
  public static double erf(double x) {
    if (Double.isNaN(x)) {
      return x;
    }
    double ax = Math.abs(x);
    if (ax >= 6) {
      return Math.copySign(1.0, x);
    }
    if (ax < 3) {
      double x2 = x * x;
      double term = x;
      double sum = x;
      for (int n = 1; n < 200; n++) {
        term *= 2 * x2 / (2 * n + 1);
        double next = sum + term;
        if (next == sum) {
          break;
        }
        sum = next;
      }
      return TWO_OVER_SQRT_PI * Math.exp(-x2) * sum;
    }
    return Math.copySign(1.0 - erfcContinuedFraction(ax), x);
  }

  /** erfc(x) for x >= 3 by the modified Lentz evaluation of its continued fraction. */
  private static double erfcContinuedFraction(double x) {
    // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + 2/(x + ...)))))
    double tiny = 1e-300;
    double f = x;
    double c = x;
    double d = 0;
    for (int k = 1; k < 500; k++) {
      double a = k * 0.5;
      d = x + a * d;
      d = d == 0 ? tiny : d;
      c = x + a / c;
      c = c == 0 ? tiny : c;
      d = 1 / d;
      double delta = c * d;
      f *= delta;
      if (Math.abs(delta - 1) < 1e-16) {
        break;
      }
    }
    return Math.exp(-x * x) * ONE_OVER_SQRT_PI / f;
  }

  /** {@code log(1 + exp(x))} without overflow: {@code max(x, 0) + log1p(exp(-|x|))}. */
  public static double softplus(double x) {
    return Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x)));
  }
}
