package io.batchjac.engine.math;

import java.math.BigDecimal;
import java.math.MathContext;

/**
 * exp and the logistic sigmoid to 50 significant digits in {@link BigDecimal} (a reference for the
 * accuracy tests), and the error of a double against such a value in units of the last place.
 */
final class ExactExp {
  private ExactExp() {}

  static final MathContext MC = new MathContext(50);
  private static final BigDecimal SCALE = BigDecimal.valueOf(2048);
  private static final BigDecimal NEGLIGIBLE = new BigDecimal("1e-55");

  /**
   * exp(x) for finite |x| below about 1000: the Taylor series of exp(x / 2^11) (|x / 2^11| < 0.5),
   * squared 11 times (relative error about 2^11 10^-50, far below a double's ulp).
   */
  static BigDecimal exp(double x) {
    BigDecimal y = new BigDecimal(x).divide(SCALE, MC);
    BigDecimal sum = BigDecimal.ONE;
    BigDecimal term = BigDecimal.ONE;
    for (int n = 1; term.abs().compareTo(NEGLIGIBLE) >= 0; n++) {
      term = term.multiply(y, MC).divide(BigDecimal.valueOf(n), MC);
      sum = sum.add(term, MC);
    }
    for (int i = 0; i < 11; i++) {
      sum = sum.multiply(sum, MC);
    }
    return sum;
  }

  /** 1 / (1 + exp(-x)). */
  static BigDecimal sigmoid(double x) {
    return BigDecimal.ONE.divide(BigDecimal.ONE.add(exp(-x), MC), MC);
  }

  /** |v - exact| in ulps of the double nearest to exact (subnormal ulps below the normal range). */
  static double ulpsFrom(double v, BigDecimal exact) {
    double ulp = Math.ulp(exact.doubleValue());
    return new BigDecimal(v).subtract(exact).abs().divide(new BigDecimal(ulp), MC).doubleValue();
  }
}
