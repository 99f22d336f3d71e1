package io.batchjac.engine.math;

/**
 * sin, cos, tanh, exp, the logistic sigmoid and log in a form the JIT vectorizes: branch-free
 * arithmetic (add, multiply, fma, divide, {@code rint}, {@code floor}, {@code min}/{@code max},
 * {@code abs}) in short loops over tiles whose arrays are all indexed from 0. {@link Math#sin},
 * {@link Math#cos} and a tanh built on {@link Math#exp} are scalar calls of 7-10 ns per value on
 * this project's machine; these kernels cost about 2.2 ns (sin or cos), 3.5 ns (both,
 * {@link #sinCos}) and 1.7-1.8 ns (tanh, measured on AMD Zen 5 on 256-value tiles; 2.0-2.2 ns
 * there before 2^k came from the bits of the rounding sum, 3.6 ns before it was built from
 * exponent bits at all, see {@link #scaleByPowerOfTwo}). exp and sigmoid share tanh's reduction,
 * polynomial and scaling: on 256-value tiles of values in [-10, 10] or [-2, 2], 1.8-1.9 ns a value
 * for exp against 3.4-3.7 ns for a loop of {@link Math#exp} (an intrinsic), and 2.4-2.5 ns for
 * sigmoid against 4.0-4.4 ns for the earlier {@code x >= 0 ? 1 / (1 + Math.exp(-x)) : e / (1 + e)}
 * (a simple warmed-up loop, 256-value tiles, old and new alternated in one JVM, best of 25 rounds
 * after 15 of warm-up, three JVMs, 2026-12-06, at load average 3 on 2 cores; tanh measured
 * 2.0-2.2 ns in the same runs); since the rounding sum, 1.46-1.50 ns (exp) and 2.13-2.28 ns
 * (sigmoid) against 1.68-1.72 and 2.37-2.38 ns before (normal values, alternated, 2026-12-07). log
 * (fdlibm's algorithm without branches) costs 3.2-3.3 ns a value against 5.1-5.3 ns for a loop of
 * {@link Math#log} (an intrinsic; the same kind of loop, values in [1e-3, 1e3], three JVMs).
 *
 * <p>The kernels work on the first {@code m} values of arrays indexed from 0 (the caller stages
 * runs at other offsets; see the engine's {@code Loops}), keeping intermediate values in
 * {@link #SCRATCH_ARRAYS} scratch arrays of at least {@code m} values.
 *
 * <p>Every value goes through the same sequence of IEEE operations whether the JIT vectorizes the
 * loop or not and wherever it sits in a tile, so results do not depend on tiling, chunking or
 * threads; the scalar definitions ({@link #sin(double)} etc., what the primitives' tables hold)
 * run the same kernels on a tile of one value and are bitwise equal to them.
 *
 * <p>Accuracy (checked in the tests): sin and cos within 1 ulp of {@link StrictMath} for |x|
 * below {@link #TRIG_LIMIT}, beyond which (and for NaN and infinities) they are {@link Math#sin}
 * and {@link Math#cos}; tanh within 2 ulps of StrictMath everywhere; exp within 1 ulp of
 * {@link StrictMath#exp} (measured worst: 1 ulp on 1,000,000 values over [-750, 720]; 0.77 ulp
 * from the exact value on 25,000 values; beyond |x| = {@link #EXP_REDUCED_LIMIT} and for NaN it is
 * StrictMath.exp, so overflow to +inf, subnormal results, +0 and the special values are
 * StrictMath's); sigmoid within 2 ulps of the exact value (measured worst 1.19 ulps on 25,000
 * values over [-750, 709], 1.28 on 100,000 others; exactly 1.0 above x = 37.43, subnormal
 * below x = -708.4 down to 2^-1074 at about -744.4, +0 below -745.13, 0.5 at +-0, NaN for NaN);
 * log within 1 ulp of {@link StrictMath#log} (measured worst: 1 ulp, on 1,000,000 values
 * including all positive finite exponents; it differs from StrictMath.log in about 1 value in
 * 13,000, near x = 1), and StrictMath.log itself for x zero, negative, subnormal, infinite or NaN.
 */
public final class VecMath {
  private VecMath() {}

  /** Scratch arrays a kernel needs beside its input and output. */
  public static final int SCRATCH_ARRAYS = 4;

  // ---- sin and cos: fdlibm's reduction by pi/2 in three steps (FreeBSD e_rem_pio2.c, always all
  // three iterations so that there is no branch) and its kernels __kernel_sin / __kernel_cos.
  /** Beyond this |x| the three-step reduction loses accuracy (|n| >= 2^20): Math.sin/cos take over. */
  static final double TRIG_LIMIT = 0x1p19 * Math.PI;
  private static final double INV_PIO2 = 6.36619772367581382433e-01;
  private static final double PIO2_1 = 1.57079632673412561417e+00;
  private static final double PIO2_2 = 6.07710050630396597660e-11;
  private static final double PIO2_2T = 2.02226624879595063154e-21;
  private static final double PIO2_3 = 2.02226624871116645580e-21;
  private static final double PIO2_3T = 8.47842766036889956997e-32;
  private static final double S1 = -1.66666666666666324348e-01;
  private static final double S2 = 8.33333333332248946124e-03;
  private static final double S3 = -1.98412698298579493134e-04;
  private static final double S4 = 2.75573137070700676789e-06;
  private static final double S5 = -2.50507602534068634195e-08;
  private static final double S6 = 1.58969099521155010221e-10;
  private static final double C1 = 4.16666666666666019037e-02;
  private static final double C2 = -1.38888888888741095749e-03;
  private static final double C3 = 2.48015872894767294178e-05;
  private static final double C4 = -2.75573143513906633035e-07;
  private static final double C5 = 2.08757232129817482790e-09;
  private static final double C6 = -1.13596475577881948265e-11;

  /** sin of the first {@code m} values of {@code x} into {@code o} (a different array). */
  public static void sin(double[] x, double[] o, int m, double[][] scratch) {
    trig(x, o, m, scratch, 0);
  }

  /** cos of the first {@code m} values of {@code x} into {@code o} (a different array). */
  public static void cos(double[] x, double[] o, int m, double[][] scratch) {
    trig(x, o, m, scratch, 1);
  }

  /**
   * sin (quarter 0) or cos (quarter 1, since cos x = sin(x + pi/2)): x = n pi/2 + y0 + y1, then
   * by the quadrant (n + quarter) mod 4 one of sin(y), cos(y), -sin(y), -cos(y).
   */
  private static void trig(double[] x, double[] o, int m, double[][] scratch, double quarter) {
    double[] fn = scratch[0];
    double[] kc = scratch[3];
    kernels(x, o, kc, m, scratch);
    pick(fn, quarter, o, kc, o, m);
    largeArguments(x, o, m, quarter);
  }

  /**
   * sin and cos of the same values at once, sharing the reduction: bitwise what {@link #sin} and
   * {@link #cos} give. {@code sin} and {@code cos} are different arrays, both different from x.
   */
  public static void sinCos(double[] x, double[] sin, double[] cos, int m, double[][] scratch) {
    double[] fn = scratch[0];
    double[] kc = scratch[3];
    kernels(x, sin, kc, m, scratch);
    pick(fn, 1, sin, kc, cos, m);
    pick(fn, 0, sin, kc, sin, m);
    largeArguments(x, sin, m, 0);
    largeArguments(x, cos, m, 1);
  }

  /** The quadrants (scratch[0]), and sin and cos of the reduced arguments into ks and kc. */
  private static void kernels(double[] x, double[] ks, double[] kc, int m, double[][] scratch) {
    double[] fn = scratch[0];
    double[] y0 = scratch[1];
    double[] y1 = scratch[2];
    quadrants(x, fn, m);
    reduce(x, fn, y0, y1, m);
    kernelSin(y0, y1, ks, m);
    kernelCos(y0, y1, kc, m);
  }

  /** Beyond the reduction's range (and for NaN and infinities): Math.sin or Math.cos. */
  private static void largeArguments(double[] x, double[] o, int m, double quarter) {
    for (int i = 0; i < m; i++) {
      if (!(Math.abs(x[i]) < TRIG_LIMIT)) {
        o[i] = quarter == 0 ? Math.sin(x[i]) : Math.cos(x[i]);
      }
    }
  }

  // One short loop per stage: C2 does not vectorize loops with long bodies.

  private static void quadrants(double[] x, double[] fn, int m) {
    for (int i = 0; i < m; i++) {
      fn[i] = Math.rint(x[i] * INV_PIO2);
    }
  }

  /** x - fn pi/2 as y0 + y1 (FreeBSD's three iterations, each good to 33 more bits). */
  private static void reduce(double[] x, double[] fnA, double[] y0A, double[] y1A, int m) {
    for (int i = 0; i < m; i++) {
      double fn = fnA[i];
      double t1 = x[i] - fn * PIO2_1; // exact for |fn| < 2^20
      double w = fn * PIO2_2;
      double r = t1 - w;
      w = fn * PIO2_2T - ((t1 - r) - w);
      double t2 = r;
      w = fn * PIO2_3;
      double r3 = t2 - w;
      w = fn * PIO2_3T - ((t2 - r3) - w);
      double y0 = r3 - w;
      y0A[i] = y0;
      y1A[i] = (r3 - y0) - w;
    }
  }

  /** __kernel_sin(y0, y1) for |y| <= pi/4. */
  private static void kernelSin(double[] y0A, double[] y1A, double[] o, int m) {
    for (int i = 0; i < m; i++) {
      double y0 = y0A[i];
      double y1 = y1A[i];
      double z = y0 * y0;
      double w = z * z;
      double r = S2 + z * (S3 + z * S4) + z * w * (S5 + z * S6);
      double v = z * y0;
      o[i] = y0 - ((z * (0.5 * y1 - v * r) - y1) - v * S1);
    }
  }

  /** __kernel_cos(y0, y1) for |y| <= pi/4. */
  private static void kernelCos(double[] y0A, double[] y1A, double[] o, int m) {
    for (int i = 0; i < m; i++) {
      double y0 = y0A[i];
      double z = y0 * y0;
      double w = z * z;
      double r = z * (C1 + z * (C2 + z * C3)) + w * w * (C4 + z * (C5 + z * C6));
      double hz = 0.5 * z;
      double wc = 1 - hz;
      o[i] = wc + (((1 - wc) - hz) + (z * r - y0 * y1A[i]));
    }
  }

  /**
   * By the quadrant q = (fn + quarter) mod 4: sin(y), cos(y), -sin(y), -cos(y), chosen from ks
   * and kc with exact 0/1 factors ({@code o} may be {@code ks}).
   */
  private static void pick(double[] fn, double quarter, double[] ks, double[] kc, double[] o, int m) {
    for (int i = 0; i < m; i++) {
      double q = fn[i] + quarter;
      q = q - 4 * Math.floor(q * 0.25);
      double hi = Math.floor(q * 0.5);
      double odd = q - 2 * hi;
      o[i] = (1 - 2 * hi) * ((1 - odd) * ks[i] + odd * kc[i]);
    }
  }

  // ---- tanh: x + x^3 P(x^2)/Q(x^2) below |x| = 0.625 (Cephes), sign(x) (1 - 2/(E + 1)) with
  // E = exp(2|x|) above; both computed for every value (x clamped to [-22, 22], where tanh is +-1 in doubles)
  // and the right one kept by an exact 0/1 blend.
  private static final double TANH_CLAMP = 22;
  private static final double TP0 = -9.64399179425052238628E-1;
  private static final double TP1 = -9.92877231001918586564E1;
  private static final double TP2 = -1.61468768441708447952E3;
  private static final double TQ0 = 1.12811678491632931402E2;
  private static final double TQ1 = 2.23548839060100448583E3;
  private static final double TQ2 = 4.84406305325125486048E3;
  private static final double LOG2E = 1.4426950408889634;
  private static final double LN2_HI = 6.93147180369123816490e-01; // 32 bits: k * LN2_HI is exact
  private static final double LN2_LO = 1.90821492927058770002e-10;
  // 1/k! (the Taylor series of exp; on |r| <= ln2/2 the terms beyond degree 13 are below 1e-17)
  private static final double INV_3F = 1.0 / 6;
  private static final double INV_4F = 1.0 / 24;
  private static final double INV_5F = 1.0 / 120;
  private static final double INV_6F = 1.0 / 720;
  private static final double INV_7F = 1.0 / 5040;
  private static final double INV_8F = 1.0 / 40320;
  private static final double INV_9F = 1.0 / 362880;
  private static final double INV_10F = 1.0 / 3628800;
  private static final double INV_11F = 1.0 / 39916800;
  private static final double INV_12F = 1.0 / 479001600;
  private static final double INV_13F = 1.0 / 6227020800L;

  /** tanh of the first {@code m} values of {@code x} into {@code o} (a different array). */
  public static void tanh(double[] x, double[] o, int m, double[][] scratch) {
    double[] xcA = scratch[0];
    double[] kA = scratch[1];
    double[] eA = scratch[2];
    clampAndReduce(x, xcA, kA, eA, m);
    expReduced(eA, m);
    scaleByPowerOfTwo(kA, eA, m);
    blendTanh(xcA, eA, o, m);
  }

  /**
   * xc = x clamped to [-22, 22]; 2|xc| = k ln2 + r with k integer, |r| <= ln2/2; kA holds k as
   * {@link #shiftedLn2Multiple} returns it.
   */
  private static void clampAndReduce(double[] x, double[] xcA, double[] kA, double[] rA, int m) {
    for (int i = 0; i < m; i++) {
      double xc = Math.min(Math.max(x[i], -TANH_CLAMP), TANH_CLAMP);
      double a2 = 2 * Math.abs(xc);
      double shifted = shiftedLn2Multiple(a2);
      xcA[i] = xc;
      kA[i] = shifted;
      rA[i] = ln2Remainder(a2, shifted - ROUND_SHIFT);
    }
  }

  /**
   * 1.5 * 2^52: for |v| < 2^51, {@code v + ROUND_SHIFT} is v rounded to the nearest integer k (ties
   * to even, as {@link Math#rint}) plus ROUND_SHIFT, exactly, and its low mantissa bits hold k in
   * two's complement; subtracting ROUND_SHIFT gives k back, exactly.
   */
  private static final double ROUND_SHIFT = 0x1.8p52;

  /**
   * ROUND_SHIFT + k for the integer k nearest to a / ln2 (a is finite or NaN, |a| / ln2 < 2^51):
   * k itself is the result minus ROUND_SHIFT, and {@link #scaleByPowerOfTwo} reads k from its bits.
   */
  private static double shiftedLn2Multiple(double a) {
    return a * LOG2E + ROUND_SHIFT;
  }

  /**
   * a - k ln2, at most ln2/2 in magnitude for k = {@link #shiftedLn2Multiple}(a) - ROUND_SHIFT (k LN2_HI is exact for
   * |k| < 2^21).
   */
  private static double ln2Remainder(double a, double k) {
    return (a - k * LN2_HI) - k * LN2_LO;
  }

  /**
   * The small-|x| rational form or sign(x) (1 - 2/(E + 1)) with E = exp(2|x|) (no cancellation:
   * the result is above 0.55 in magnitude), whichever |x| calls for.
   */
  private static void blendTanh(double[] xcA, double[] eA, double[] o, int m) {
    for (int i = 0; i < m; i++) {
      double xc = xcA[i];
      double sign = 1 + 2 * Math.floor(xc * (1.0 / 64)); // -1 below 0, else 1 (|xc| <= 22)
      double large = sign * (1 - 2 / (eA[i] + 1));
      double z = xc * xc;
      double small = xc + xc * z * ((TP0 * z + TP1) * z + TP2) / (((z + TQ0) * z + TQ1) * z + TQ2);
      double above = Math.floor(Math.min(Math.abs(xc) * 1.6, 1.0)); // 1 when |x| >= 0.625, else 0
      o[i] = above * large + (1 - above) * small;
    }
  }

  /** r[i] = exp(r[i]) for |r| <= ln2/2 (Horner with fma on the Taylor series to degree 13). */
  private static void expReduced(double[] r, int m) {
    for (int i = 0; i < m; i++) {
      double v = r[i];
      double p = Math.fma(INV_13F, v, INV_12F);
      p = Math.fma(p, v, INV_11F);
      p = Math.fma(p, v, INV_10F);
      p = Math.fma(p, v, INV_9F);
      p = Math.fma(p, v, INV_8F);
      p = Math.fma(p, v, INV_7F);
      p = Math.fma(p, v, INV_6F);
      p = Math.fma(p, v, INV_5F);
      p = Math.fma(p, v, INV_4F);
      p = Math.fma(p, v, INV_3F);
      p = Math.fma(p, v, 0.5);
      p = Math.fma(p, v, 1.0);
      r[i] = Math.fma(p, v, 1.0);
    }
  }

  /**
   * e[i] *= 2^k, exactly, for the integer k in [-1022, 1023] that {@code shiftedK[i]} holds as
   * ROUND_SHIFT + k ({@link #shiftedLn2Multiple}): 2^k is built from exponent bits, the low 12 bits
   * of the shifted value's mantissa (k mod 4096) shifted into the exponent field and biased by
   * 1023 (mod 2^64, so negative k come out right). C2 does not vectorize this loop on JDK 17 (it
   * moves bits between double and long registers one value at a time), so it does as little as it
   * can: on AMD Zen 5 (a 256-value tile) 0.42 ns a value, against 0.70-0.74 ns for the earlier
   * {@code ((long) k + 1023) << 52}, whose conversion of k to long cost the difference, and 3.3 ns
   * for the branch-free product of 2^(2^j) over k's bits found with floor before that. All three
   * are exact: the results are the same bits.
   */
  private static void scaleByPowerOfTwo(double[] shiftedK, double[] eA, int m) {
    for (int i = 0; i < m; i++) {
      eA[i] *= Double.longBitsToDouble((Double.doubleToRawLongBits(shiftedK[i]) << 52) + (1023L << 52));
    }
  }

  // ---- exp and sigmoid: x = k ln2 + r as for tanh, exp(r) by the same polynomial, times 2^k built
  // from exponent bits, valid while 2^k is a normal double: for |x| <= EXP_REDUCED_LIMIT. Beyond
  // it (where exp(x) is near overflow, subnormal, 0 or +inf) and for NaN, StrictMath.exp takes over.
  /** Up to this |x| exp(x) is reduced with |k| <= 1022, where 2^k is a normal double. */
  static final double EXP_REDUCED_LIMIT = 708;

  /** exp of the first {@code m} values of {@code x} into {@code o} (a different array); uses scratch[0]. */
  public static void exp(double[] x, double[] o, int m, double[][] scratch) {
    expOf(x, 1, o, m, scratch[0]);
  }

  /**
   * The logistic sigmoid 1 / (1 + exp(-x)) of the first {@code m} values of {@code x} into
   * {@code o} (a different array); uses scratch[0]. With E = exp(-|x|) in [0, 1] (no overflow),
   * sigmoid is 1 / (1 + E) for x >= 0 and E / (1 + E) for x < 0, blended by exact 0/1 factors.
   */
  public static void sigmoid(double[] x, double[] o, int m, double[][] scratch) {
    expOf(x, 0, o, m, scratch[0]);
    blendSigmoid(x, o, m);
  }

  /** o = exp(x) when {@code keepSign} is 1, exp(-|x|) when it is 0; kA is scratch. */
  private static void expOf(double[] x, double keepSign, double[] o, int m, double[] kA) {
    clampAndReduceExp(x, keepSign, kA, o, m);
    expReduced(o, m);
    scaleByPowerOfTwo(kA, o, m);
    beyondReducedLimit(x, keepSign, o, m);
  }

  /**
   * a = x (keepSign 1) or -|x| (keepSign 0, exact 0/1 factors), clamped to +-EXP_REDUCED_LIMIT
   * (NaN stays NaN); a = k ln2 + r with k integer, r into rA and k into kA as
   * {@link #shiftedLn2Multiple} returns it.
   */
  private static void clampAndReduceExp(double[] x, double keepSign, double[] kA, double[] rA, int m) {
    for (int i = 0; i < m; i++) {
      double v = Math.min(Math.max(x[i], -EXP_REDUCED_LIMIT), EXP_REDUCED_LIMIT); // finite: 0 * v is 0
      double a = keepSign * v - (1 - keepSign) * Math.abs(v);
      double shifted = shiftedLn2Multiple(a);
      kA[i] = shifted;
      rA[i] = ln2Remainder(a, shifted - ROUND_SHIFT);
    }
  }

  /** Beyond the reduction's range (and for NaN): StrictMath.exp of x or -|x|. */
  private static void beyondReducedLimit(double[] x, double keepSign, double[] o, int m) {
    for (int i = 0; i < m; i++) {
      if (!(Math.abs(x[i]) <= EXP_REDUCED_LIMIT)) {
        o[i] = StrictMath.exp(keepSign == 1 ? x[i] : -Math.abs(x[i]));
      }
    }
  }

  /**
   * o[i] = n / (1 + E) for E = o[i] with n = E when x < 0, else 1 (chosen by exact 0/1 factors;
   * -0.0 counts as >= 0). 1 + E is s + t exactly (E <= 1), and the quotient q = n / s is corrected
   * by its exact remainder n - q s and by t: n / (s + t) = q + (n - q s - q t) / (s + t), so that
   * neither the rounding of 1 + E nor that of the division adds to the error of E.
   */
  private static void blendSigmoid(double[] x, double[] o, int m) {
    for (int i = 0; i < m; i++) {
      double e = o[i];
      double negative = -Math.floor(Math.min(Math.max(x[i], -1), 0)); // 1 for x < 0, else 0 (or NaN)
      double n = negative * e + (1 - negative);
      double s = 1 + e;
      double t = (1 - s) + e;
      double q = n / s;
      o[i] = q + (Math.fma(-q, s, n) - q * t) / s;
    }
  }

  // ---- log: fdlibm's e_log.c without its branches. x = 2^k (1 + f) with sqrt(2)/2 <= 1 + f < sqrt(2)
  // from x's bits, s = f / (2 + f), log(1 + f) = f - s (f - R(s^2)) or, when fdlibm takes it (|f|
  // above about 0.29), f - (f^2/2 - s (f^2/2 + R)): both computed and the one fdlibm takes kept by
  // an exact 0/1 blend. Zero, negative, subnormal and infinite x and NaN: StrictMath.log.
  private static final double LG1 = 6.666666666666735130e-01;
  private static final double LG2 = 3.999999999940941908e-01;
  private static final double LG3 = 2.857142874366239149e-01;
  private static final double LG4 = 2.222219843214978396e-01;
  private static final double LG5 = 1.818357216161805012e-01;
  private static final double LG6 = 1.531383769920937332e-01;
  private static final double LG7 = 1.479819860511658591e-01;

  /** log of the first {@code m} values of {@code x} into {@code o} (a different array). */
  public static void log(double[] x, double[] o, int m, double[][] scratch) {
    double[] kA = scratch[0];
    double[] formA = scratch[1];
    decompose(x, kA, o, formA, m);
    logSeries(o, scratch[2], scratch[3], m);
    logCombine(kA, o, formA, scratch[2], scratch[3], m);
    outsideNormalRange(x, o, m);
  }

  /** Zero, negative, subnormal and infinite x and NaN: StrictMath.log. */
  private static void outsideNormalRange(double[] x, double[] o, int m) {
    for (int i = 0; i < m; i++) {
      if (!(x[i] >= Double.MIN_NORMAL && x[i] < Double.POSITIVE_INFINITY)) {
        o[i] = StrictMath.log(x[i]);
      }
    }
  }

  /**
   * x = 2^k (1 + f): k into kA, f into fA, and into formA 1 where fdlibm computes log(1 + f) with
   * f^2/2 (its high word's mantissa bits hx in [0x6147a, 0x6b851]), else 0. Meaningful for normal
   * positive x only.
   */
  private static void decompose(double[] x, double[] kA, double[] fA, double[] formA, int m) {
    for (int i = 0; i < m; i++) {
      long bits = Double.doubleToRawLongBits(x[i]);
      long high = bits >>> 32;
      long hx = high & 0xfffffL;
      long half = (hx + 0x95f64L) & 0x100000L; // 2^20 when the mantissa is at least sqrt(2): halve it
      long y = ((hx | (half ^ 0x3ff00000L)) << 32) | (bits & 0xffffffffL);
      kA[i] = (double) ((high >> 20) - 1023 + (half >> 20));
      fA[i] = Double.longBitsToDouble(y) - 1.0;
      formA[i] = (double) (1 - (((hx - 0x6147aL) | (0x6b851L - hx)) >>> 63));
    }
  }

  /** s = f / (2 + f) into sA, fdlibm's R(s^2) into rA (C2 vectorizes short loops only). */
  private static void logSeries(double[] fA, double[] sA, double[] rA, int m) {
    for (int i = 0; i < m; i++) {
      double f = fA[i];
      double s = f / (2.0 + f);
      double z = s * s;
      double w = z * z;
      double t1 = w * (LG2 + w * (LG4 + w * LG6));
      double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
      sA[i] = s;
      rA[i] = t2 + t1;
    }
  }

  /** o[i] = k ln2 + log(1 + f) for k = kA[i], f = o[i] (fdlibm's two forms, blended by formA). */
  private static void logCombine(double[] kA, double[] o, double[] formA, double[] sA, double[] rA, int m) {
    for (int i = 0; i < m; i++) {
      double f = o[i];
      double dk = kA[i];
      double s = sA[i];
      double r = rA[i];
      double hfsq = 0.5 * f * f;
      double withSquare = dk * LN2_HI - ((hfsq - (s * (hfsq + r) + dk * LN2_LO)) - f);
      double plain = dk * LN2_HI - ((s * (f - r) - dk * LN2_LO) - f);
      double form = formA[i];
      o[i] = form * withSquare + (1 - form) * plain;
    }
  }

  // ---- the scalar definitions: the kernels on a tile of one value

  /** sin(x), the kernel's value (within 1 ulp of {@link StrictMath#sin}). */
  public static double sin(double x) {
    return one(x, 0);
  }

  /** cos(x), the kernel's value (within 1 ulp of {@link StrictMath#cos}). */
  public static double cos(double x) {
    return one(x, 1);
  }

  /** tanh(x), the kernel's value (within 2 ulps of {@link StrictMath#tanh}). */
  public static double tanh(double x) {
    return one(x, 2);
  }

  /** exp(x), the kernel's value (within 1 ulp of {@link StrictMath#exp}). */
  public static double exp(double x) {
    return one(x, 3);
  }

  /** The logistic sigmoid 1 / (1 + exp(-x)), the kernel's value (within 2 ulps of the exact value). */
  public static double sigmoid(double x) {
    return one(x, 4);
  }

  /** log(x), the kernel's value (within 1 ulp of {@link StrictMath#log}). */
  public static double log(double x) {
    return one(x, 5);
  }

  private static double one(double x, int which) {
    double[] in = {x};
    double[] out = new double[1];
    double[][] scratch = new double[SCRATCH_ARRAYS][1];
    switch (which) {
      case 0 -> sin(in, out, 1, scratch);
      case 1 -> cos(in, out, 1, scratch);
      case 2 -> tanh(in, out, 1, scratch);
      case 3 -> exp(in, out, 1, scratch);
      case 4 -> sigmoid(in, out, 1, scratch);
      default -> log(in, out, 1, scratch);
    }
    return out[0];
  }
}
