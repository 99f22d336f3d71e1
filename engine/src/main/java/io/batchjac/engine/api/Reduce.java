package io.batchjac.engine.api;

import java.util.Locale;

/**
 * A reduction over the batch axis of a per-sample result: {@link #SUM} or {@link #MEAN} over the
 * samples, giving the per-sample shape without the batch axis (evaluate and jvp {@code (M)}, vjp
 * and gradient {@code (N)}, jacobian {@code (M, N)}, hessian {@code (N, N)}).
 *
 * <p>The sum is {@link io.batchjac.engine.stats.BatchSum}'s: fixed blocks of samples by global
 * sample index, each summed in sample order, merged in a fixed binary tree; bitwise the same for
 * any thread count, chunk size and Spark partitioning. The mean is that sum divided by B: one
 * IEEE 754 double division per element of the rounded sum by {@code (double) B} (round to
 * nearest even; B is exact as a double below 2^53), not a running mean.
 */
public enum Reduce {
  SUM,
  MEAN;

  /** The lower-case name used on the command line: {@code sum} or {@code mean}. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code sum} or {@code mean} (case-insensitive). */
  public static Reduce parse(String name) {
    for (Reduce r : values()) {
      if (r.name().equalsIgnoreCase(name)) {
        return r;
      }
    }
    throw new IllegalArgumentException("unknown reduction '" + name + "': expected sum or mean");
  }

  /**
   * The reduction of B samples from their sum (modified in place and returned): the sum itself,
   * or each element divided by B. The sum of no samples is zeros; their mean is an error.
   */
  public double[] finish(double[] sum, long batch) {
    if (this == SUM) {
      return sum;
    }
    if (batch == 0) {
      throw new IllegalArgumentException("the mean over 0 samples is undefined: give at least one sample (or reduce with sum)");
    }
    double b = batch;
    for (int j = 0; j < sum.length; j++) {
      sum[j] /= b;
    }
    return sum;
  }
}
