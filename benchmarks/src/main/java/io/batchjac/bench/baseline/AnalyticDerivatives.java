package io.batchjac.bench.baseline;

/**
 * Hand-written Jacobians of the closed-form workloads: plain Java loops, the chain rule applied
 * by hand, every shared subexpression computed once per sample. This is the in-JVM limit the
 * engine's elementwise work is measured against (what code written for one function costs).
 *
 * <p>Layouts are the engine's: {@code x} is C-order {@code (B, N)} (sample b's inputs at
 * {@code x[b*N ... b*N+N-1]}); the Jacobian of a one-output function is the {@code (1, N, B)}
 * Fortran array, i.e. sample b's N partials at {@code out[b*N ... b*N+N-1]}.
 */
public final class AnalyticDerivatives {
  private AnalyticDerivatives() {}

  /** Ishigami's constants, as in {@code conf/examples/ishigami.fn}. */
  public static final double ISHIGAMI_A = 7;
  public static final double ISHIGAMI_B = 0.1;

  /**
   * Borehole (N = 8: rw, r, Tu, Hu, Tl, Hl, L, Kw), samples {@code [from, to)}:
   * {@code f = 2 pi Tu (Hu - Hl) / D}, {@code D = lnr (1 + Tu/Tl) + 2 L Tu / (rw^2 Kw)},
   * {@code lnr = log(r / rw)}; every partial is {@code -f/D * dD/dv} except the numerator's.
   */
  public static void boreholeJacobian(double[] x, double[] out, int from, int to) {
    for (int b = from; b < to; b++) {
      int o = 8 * b;
      double rw = x[o];
      double r = x[o + 1];
      double tu = x[o + 2];
      double hu = x[o + 3];
      double tl = x[o + 4];
      double hl = x[o + 5];
      double len = x[o + 6];
      double kw = x[o + 7];
      double lnr = Math.log(r / rw);
      double rw2kw = rw * rw * kw;
      double tuTl = tu / tl;
      double a = 1 + tuTl;
      double c = 2 * len * tu / rw2kw;         // the second term of D
      double d = lnr * a + c;
      double num = 2 * Math.PI * tu * (hu - hl);
      double fval = num / d;
      double q = -fval / d;                     // df/dD
      out[o] = q * (-a / rw - 2 * c / rw);      // dD/drw: lnr' = -1/rw, c ~ rw^-2
      out[o + 1] = q * (a / r);                 // dD/dr: lnr' = 1/r
      out[o + 2] = fval / tu + q * (lnr / tl + c / tu);
      out[o + 3] = 2 * Math.PI * tu / d;
      out[o + 4] = q * (-lnr * tuTl / tl);
      out[o + 5] = -2 * Math.PI * tu / d;
      out[o + 6] = q * (c / len);
      out[o + 7] = q * (-c / kw);
    }
  }

  /** Ishigami (N = 3), samples {@code [from, to)}: {@code f = sin x1 + a sin^2 x2 + b x3^4 sin x1}. */
  public static void ishigamiJacobian(double[] x, double[] out, int from, int to) {
    for (int b = from; b < to; b++) {
      int o = 3 * b;
      double x1 = x[o];
      double x2 = x[o + 1];
      double x3 = x[o + 2];
      double s1 = Math.sin(x1);
      double x3sq = x3 * x3;
      out[o] = Math.cos(x1) * (1 + ISHIGAMI_B * x3sq * x3sq);
      out[o + 1] = 2 * ISHIGAMI_A * Math.sin(x2) * Math.cos(x2);
      out[o + 2] = 4 * ISHIGAMI_B * x3sq * x3 * s1;
    }
  }
}
