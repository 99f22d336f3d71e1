package io.batchjac.engine.stats;

import java.io.Serializable;

/**
 * The running moments behind the derivative-based sensitivity measures of a function with M
 * outputs and N inputs, over some set of samples: a numerically stable, mergeable aggregate
 * (means and sums of squared deviations, Welford's representation, merged with Chan et al.'s
 * pairwise formula). Immutable; plain Java (no Spark), so the same aggregate serves the
 * in-process analysis ({@link SensitivityAnalysis}) and a distributed pass.
 *
 * <p>What it holds, for {@link #count()} samples:
 * <ul>
 *   <li>per output m: the mean and sum of squared deviations of f_m;
 *   <li>per input n: the mean and sum of squared deviations of x_n;
 *   <li>per pair (m, n), for the derivative d = df_m/dx_n: the mean and sum of squared
 *       deviations of d, the mean of |d|, and the mean and sum of squared deviations of d^2 (the
 *       DGSM and its Monte Carlo standard error).
 * </ul>
 * Pair arrays use the per-sample Jacobian layout: pair (m, n) at index {@code m + M * n}.
 *
 * <p>Accuracy: a block's aggregate is computed in two passes (exact mean first, then squared
 * deviations from it), and merging adds the between-groups term {@code delta^2 * na * nb / n}, so
 * no sum of raw squares ever cancels. Merging is deterministic: the same operands in the same
 * order give bitwise the same result (which {@link MergeTree} relies on).
 */
public final class SensitivityAggregate implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int m;
  private final int n;
  private final long count;
  private final double[] fMean;
  private final double[] fM2;
  private final double[] xMean;
  private final double[] xM2;
  private final double[] dMean;
  private final double[] dM2;
  private final double[] absMean;
  private final double[] sqMean;
  private final double[] sqM2;

  private SensitivityAggregate(int m, int n, long count, double[] fMean, double[] fM2, double[] xMean, double[] xM2,
      double[] dMean, double[] dM2, double[] absMean, double[] sqMean, double[] sqM2) {
    this.m = m;
    this.n = n;
    this.count = count;
    this.fMean = fMean;
    this.fM2 = fM2;
    this.xMean = xMean;
    this.xM2 = xM2;
    this.dMean = dMean;
    this.dM2 = dM2;
    this.absMean = absMean;
    this.sqMean = sqMean;
    this.sqM2 = sqM2;
  }

  /** The aggregate of no samples. */
  public static SensitivityAggregate empty(int m, int n) {
    int p = m * n;
    return new SensitivityAggregate(m, n, 0, new double[m], new double[m], new double[n], new double[n], new double[p],
        new double[p], new double[p], new double[p], new double[p]);
  }

  /**
   * The aggregate of one block of samples, in two passes.
   *
   * @param m outputs M
   * @param n inputs N
   * @param count samples C in the block (at least 1)
   * @param x the inputs: C rows of N values (sample b's input n at {@code b * N + n})
   * @param f the outputs, (M, C) Fortran order (sample b's output m at {@code m + M * b})
   * @param jac the Jacobians, (M, N, C) Fortran order (df_m/dx_n of sample b at
   *     {@code m + M * n + M * N * b})
   */
  public static SensitivityAggregate ofBlock(int m, int n, int count, double[] x, double[] f, double[] jac) {
    if (count < 1) {
      throw new IllegalArgumentException("a block needs at least one sample, got " + count);
    }
    if (x.length < (long) count * n || f.length < (long) count * m || jac.length < (long) count * m * n) {
      throw new IllegalArgumentException("block arrays too short for " + count + " samples of " + n + " inputs and "
          + m + " outputs: x " + x.length + ", f " + f.length + ", jac " + jac.length);
    }
    int p = m * n;
    double[] fMean = new double[m];
    double[] fM2 = new double[m];
    twoPass(f, m, count, fMean, fM2);
    double[] xMean = new double[n];
    double[] xM2 = new double[n];
    twoPass(x, n, count, xMean, xM2);
    double[] dMean = new double[p];
    double[] dM2 = new double[p];
    double[] absMean = new double[p];
    double[] sqMean = new double[p];
    double[] sqM2 = new double[p];
    for (int b = 0; b < count; b++) {
      int at = b * p;
      for (int i = 0; i < p; i++) {
        double d = jac[at + i];
        dMean[i] += d;
        absMean[i] += Math.abs(d);
        sqMean[i] += d * d;
      }
    }
    for (int i = 0; i < p; i++) {
      dMean[i] /= count;
      absMean[i] /= count;
      sqMean[i] /= count;
    }
    for (int b = 0; b < count; b++) {
      int at = b * p;
      for (int i = 0; i < p; i++) {
        double d = jac[at + i];
        double dd = d - dMean[i];
        dM2[i] += dd * dd;
        double ds = d * d - sqMean[i];
        sqM2[i] += ds * ds;
      }
    }
    return new SensitivityAggregate(m, n, count, fMean, fM2, xMean, xM2, dMean, dM2, absMean, sqMean, sqM2);
  }

  /** Mean and sum of squared deviations of each of {@code width} columns of {@code rows} rows. */
  private static void twoPass(double[] v, int width, int rows, double[] mean, double[] m2) {
    for (int b = 0; b < rows; b++) {
      for (int j = 0; j < width; j++) {
        mean[j] += v[b * width + j];
      }
    }
    for (int j = 0; j < width; j++) {
      mean[j] /= rows;
    }
    for (int b = 0; b < rows; b++) {
      for (int j = 0; j < width; j++) {
        double d = v[b * width + j] - mean[j];
        m2[j] += d * d;
      }
    }
  }

  /**
   * The aggregate of both sets of samples (Chan, Golub and LeVeque's pairwise update):
   * {@code mean = meanA + delta * nB / n}, {@code M2 = M2A + M2B + delta^2 * nA * nB / n} with
   * {@code delta = meanB - meanA}. Merging with an empty aggregate returns the other operand.
   */
  public SensitivityAggregate merge(SensitivityAggregate o) {
    if (o.m != m || o.n != n) {
      throw new IllegalArgumentException("cannot merge aggregates of " + m + "x" + n + " and " + o.m + "x" + o.n);
    }
    if (o.count == 0) {
      return this;
    }
    if (count == 0) {
      return o;
    }
    long total = count + o.count;
    double wb = (double) o.count / total;
    double cross = (double) count * o.count / total;
    double[] fMean2 = new double[m];
    double[] fM22 = new double[m];
    chan(fMean, fM2, o.fMean, o.fM2, wb, cross, fMean2, fM22);
    double[] xMean2 = new double[n];
    double[] xM22 = new double[n];
    chan(xMean, xM2, o.xMean, o.xM2, wb, cross, xMean2, xM22);
    int p = m * n;
    double[] dMean2 = new double[p];
    double[] dM22 = new double[p];
    chan(dMean, dM2, o.dMean, o.dM2, wb, cross, dMean2, dM22);
    double[] sqMean2 = new double[p];
    double[] sqM22 = new double[p];
    chan(sqMean, sqM2, o.sqMean, o.sqM2, wb, cross, sqMean2, sqM22);
    double[] absMean2 = new double[p];
    for (int i = 0; i < p; i++) {
      absMean2[i] = absMean[i] + (o.absMean[i] - absMean[i]) * wb;
    }
    return new SensitivityAggregate(m, n, total, fMean2, fM22, xMean2, xM22, dMean2, dM22, absMean2, sqMean2, sqM22);
  }

  private static void chan(double[] meanA, double[] m2A, double[] meanB, double[] m2B, double wb, double cross,
      double[] mean, double[] m2) {
    for (int i = 0; i < mean.length; i++) {
      double delta = meanB[i] - meanA[i];
      mean[i] = meanA[i] + delta * wb;
      m2[i] = m2A[i] + m2B[i] + delta * delta * cross;
    }
  }

  // ------------------------------------------------------------------ reading

  /** M: outputs. */
  public int outputs() {
    return m;
  }

  /** N: inputs. */
  public int inputs() {
    return n;
  }

  /** Samples aggregated. */
  public long count() {
    return count;
  }

  /** Mean of f_m. */
  public double outputMean(int out) {
    return fMean[out];
  }

  /** Sample variance (denominator count - 1) of f_m; NaN for fewer than 2 samples. */
  public double outputVariance(int out) {
    return variance(fM2[out]);
  }

  /** Mean of x_n. */
  public double inputMean(int in) {
    return xMean[in];
  }

  /** Sample variance of x_n. */
  public double inputVariance(int in) {
    return variance(xM2[in]);
  }

  /** Mean of df_m/dx_n. */
  public double derivativeMean(int out, int in) {
    return dMean[out + m * in];
  }

  /** Sample variance of df_m/dx_n. */
  public double derivativeVariance(int out, int in) {
    return variance(dM2[out + m * in]);
  }

  /** Mean of |df_m/dx_n|. */
  public double absDerivativeMean(int out, int in) {
    return absMean[out + m * in];
  }

  /** Mean of (df_m/dx_n)^2: the DGSM nu. */
  public double squaredDerivativeMean(int out, int in) {
    return sqMean[out + m * in];
  }

  /** Sample variance of (df_m/dx_n)^2 (for the standard error of nu). */
  public double squaredDerivativeVariance(int out, int in) {
    return variance(sqM2[out + m * in]);
  }

  private double variance(double m2) {
    return count < 2 ? Double.NaN : m2 / (count - 1);
  }
}
