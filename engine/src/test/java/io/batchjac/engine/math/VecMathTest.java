package io.batchjac.engine.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The contracts of {@link VecMath}: accuracy against {@link StrictMath} (sin, cos, exp, log within 1 ulp,
 * tanh within 2) and against exact values (sigmoid within 2 ulps, {@link ExactExp}), special
 * values, and the array kernels bitwise equal to the scalar definitions whatever the tile length
 * (the JIT vectorizes the body of a long tile, not the tail of a short one).
 */
class VecMathTest {
  private interface Kernel {
    void run(double[] x, double[] o, int m, double[][] scratch);
  }

  private static double worstUlps(DoubleUnaryOperator f, DoubleUnaryOperator ref, double[] xs, double[] at) {
    double worst = 0;
    for (double x : xs) {
      double e = ref.applyAsDouble(x);
      double ulps = Math.abs(f.applyAsDouble(x) - e) / Math.ulp(e);
      if (ulps > worst) {
        worst = ulps;
        at[0] = x;
      }
    }
    return worst;
  }

  /**
   * f within 1 ulp of ref at every x, the same bits where ref is NaN or infinite, and not equal
   * everywhere (else the comparison would not be exercised); prints the worst case.
   */
  private static void assertWithinOneUlp(String name, DoubleUnaryOperator f, DoubleUnaryOperator ref, double[] xs) {
    double worst = 0;
    double at = 0;
    for (double x : xs) {
      double e = ref.applyAsDouble(x);
      double v = f.applyAsDouble(x);
      double ulps = Double.compare(e, v) == 0 ? 0 : Math.abs(v - e) / Math.ulp(e); // NaN for NaN or inf
      assertTrue(ulps <= 1.0, name + "(" + x + ") = " + v + ", StrictMath gives " + e);
      if (ulps > worst) {
        worst = ulps;
        at = x;
      }
    }
    assertTrue(worst > 0, name + ": a differing last bit somewhere, else the comparison is not exercised");
    System.out.println("VecMath." + name + ": worst " + worst + " ulps from StrictMath at x = " + at);
  }

  /** Points where reductions lose most: uniform spans, near multiples of pi/2, large arguments. */
  private static double[] trigPoints() {
    SplittableRandom r = new SplittableRandom(11);
    double[] xs = new double[1_200_000];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = switch (i % 6) {
        case 0 -> r.nextDouble(-4, 4);
        case 1 -> r.nextDouble(-100, 100);
        case 2 -> r.nextDouble(-1e5, 1e5);
        case 3 -> r.nextDouble(-VecMath.TRIG_LIMIT, VecMath.TRIG_LIMIT);
        case 4 -> Math.nextAfter(r.nextInt(-200_000, 200_000) * (Math.PI / 2), r.nextBoolean() ? 1e9 : -1e9);
        default -> r.nextDouble(-1e-8, 1e-8);
      };
    }
    return xs;
  }

  @Test
  void sinAndCosAreWithinOneUlp() {
    double[] xs = trigPoints();
    double[] at = new double[1];
    double ws = worstUlps(VecMath::sin, StrictMath::sin, xs, at);
    assertTrue(ws <= 1.0, "sin differs from StrictMath.sin by " + ws + " ulps at x = " + at[0]);
    double wc = worstUlps(VecMath::cos, StrictMath::cos, xs, at);
    assertTrue(wc <= 1.0, "cos differs from StrictMath.cos by " + wc + " ulps at x = " + at[0]);
  }

  @Test
  void tanhIsWithinTwoUlps() {
    SplittableRandom r = new SplittableRandom(7);
    double[] xs = new double[1_000_000];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = switch (i % 4) {
        case 0 -> r.nextDouble(-1.5, 1.5);
        case 1 -> r.nextDouble(-25, 25);
        case 2 -> r.nextDouble(-1e-6, 1e-6);
        default -> r.nextDouble(0.6, 0.65) * (r.nextBoolean() ? 1 : -1);
      };
    }
    double[] at = new double[1];
    double w = worstUlps(VecMath::tanh, StrictMath::tanh, xs, at);
    assertTrue(w <= 2.0, "tanh differs from StrictMath.tanh by " + w + " ulps at x = " + at[0]);
  }

  /** Where exp's reduction hands over to StrictMath.exp, and where exp overflows or underflows. */
  private static final double[] EXP_EDGES = {
    VecMath.EXP_REDUCED_LIMIT, -VecMath.EXP_REDUCED_LIMIT,
    Math.nextUp(VecMath.EXP_REDUCED_LIMIT), Math.nextDown(-VecMath.EXP_REDUCED_LIMIT),
    709.782712893384, 709.7827128933841, 709.79, 710, 1e300, Double.MAX_VALUE,
    -708.4, -708.3964185322641, -709, -744.44, -745.1332191019411, -745.1332191019412, -745.5, -746, -1e300,
    -Double.MAX_VALUE, Double.MIN_VALUE, -Double.MIN_VALUE, 1e-300, -1e-300, 0.0, -0.0,
    Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};

  @Test
  void expIsWithinOneUlpOfStrictMath() {
    SplittableRandom r = new SplittableRandom(13);
    double[] xs = new double[1_000_000 + EXP_EDGES.length];
    for (int i = 0; i < 1_000_000; i++) {
      xs[i] = switch (i % 5) {
        case 0 -> r.nextDouble(-1, 1);
        case 1 -> r.nextDouble(-40, 40);
        case 2 -> r.nextDouble(-750, 720); // overflow, subnormal results and 0 included
        case 3 -> r.nextDouble(-1e-8, 1e-8);
        default -> r.nextDouble(700, 712) * (r.nextBoolean() ? 1 : -1);
      };
    }
    System.arraycopy(EXP_EDGES, 0, xs, 1_000_000, EXP_EDGES.length);
    assertWithinOneUlp("exp", VecMath::exp, StrictMath::exp, xs);
  }

  @Test
  void expAndSigmoidAreCloseToTheExactValues() {
    SplittableRandom r = new SplittableRandom(17);
    double worstExp = 0;
    double worstSigmoid = 0;
    double atExp = 0;
    double atSigmoid = 0;
    for (int i = 0; i < 25_000; i++) {
      double x = switch (i % 5) {
        case 0 -> r.nextDouble(-1, 1);
        case 1 -> r.nextDouble(-40, 40);
        case 2 -> r.nextDouble(-750, -700); // subnormal values of exp(x) and sigmoid(x)
        case 3 -> r.nextDouble(-1e-9, 1e-9);
        default -> r.nextDouble(-709, 709);
      };
      double ue = ExactExp.ulpsFrom(VecMath.exp(x), ExactExp.exp(x));
      double us = ExactExp.ulpsFrom(VecMath.sigmoid(x), ExactExp.sigmoid(x));
      if (ue > worstExp) {
        worstExp = ue;
        atExp = x;
      }
      if (us > worstSigmoid) {
        worstSigmoid = us;
        atSigmoid = x;
      }
    }
    assertTrue(worstExp < 1, "exp is " + worstExp + " ulps from the exact value at x = " + atExp);
    assertTrue(worstSigmoid <= 2,
        "sigmoid is " + worstSigmoid + " ulps from the exact value at x = " + atSigmoid);
    System.out.println("VecMath.exp: worst " + worstExp + " ulps from exact at x = " + atExp
        + "; VecMath.sigmoid: worst " + worstSigmoid + " ulps at x = " + atSigmoid);
  }

  @Test
  void expAndSigmoidSpecialValues() {
    assertTrue(Double.isNaN(VecMath.exp(Double.NaN)));
    assertTrue(Double.isNaN(VecMath.sigmoid(Double.NaN)));
    assertEquals(Double.POSITIVE_INFINITY, VecMath.exp(Double.POSITIVE_INFINITY));
    assertEquals(0.0, VecMath.exp(Double.NEGATIVE_INFINITY));
    assertEquals(1.0, VecMath.exp(0.0));
    assertEquals(1.0, VecMath.exp(-0.0));
    assertEquals(1.0, VecMath.exp(Double.MIN_VALUE));
    assertEquals(Double.POSITIVE_INFINITY, VecMath.exp(709.7827128933841), "overflow");
    assertEquals(StrictMath.exp(709.782712893384), VecMath.exp(709.782712893384), "the largest finite value");
    assertTrue(VecMath.exp(709.782712893384) < Double.POSITIVE_INFINITY);
    assertEquals(Double.MIN_VALUE, VecMath.exp(-745.1332191019411), "the least subnormal");
    assertEquals(0.0, VecMath.exp(-745.1332191019412), "underflow to 0");
    assertEquals(Double.doubleToLongBits(0.0), Double.doubleToLongBits(VecMath.exp(-1e300)), "+0, not -0");
    double subnormal = VecMath.exp(-720);
    assertTrue(subnormal > 0 && subnormal < Double.MIN_NORMAL, "exp(-720) is subnormal");
    assertEquals(StrictMath.exp(-720), subnormal, Double.MIN_VALUE);

    assertEquals(0.5, VecMath.sigmoid(0.0));
    assertEquals(0.5, VecMath.sigmoid(-0.0));
    assertEquals(0.5, VecMath.sigmoid(Double.MIN_VALUE));
    assertEquals(0.5, VecMath.sigmoid(-Double.MIN_VALUE));
    assertEquals(1.0, VecMath.sigmoid(40));
    assertEquals(1.0, VecMath.sigmoid(800));
    assertEquals(1.0, VecMath.sigmoid(Double.POSITIVE_INFINITY));
    assertEquals(0.0, VecMath.sigmoid(Double.NEGATIVE_INFINITY));
    assertEquals(0.0, VecMath.sigmoid(-800));
    assertEquals(Double.MIN_VALUE, VecMath.sigmoid(-745), "sigmoid(-745) is the least subnormal, not 0");
    double s = VecMath.sigmoid(-720);
    assertTrue(s > 0 && s < Double.MIN_NORMAL, "sigmoid(-720) is subnormal");
    assertEquals(Math.nextDown(1.0), VecMath.sigmoid(37), "1 - exp(-37) is just below 1");
  }

  @Test
  void logIsWithinOneUlpOfStrictMath() {
    SplittableRandom r = new SplittableRandom(19);
    double[] edges = {1, 2, 0.5, Math.E, Math.nextUp(1.0), Math.nextDown(1.0), Math.sqrt(2), Math.sqrt(0.5),
        Double.MIN_NORMAL, Math.nextDown(Double.MIN_NORMAL), Double.MIN_VALUE, 1e-310, Double.MAX_VALUE,
        0.0, -0.0, -1, -Double.MIN_VALUE, Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
    double[] xs = new double[1_000_000 + edges.length];
    for (int i = 0; i < 1_000_000; i++) {
      xs[i] = switch (i % 5) {
        case 0 -> r.nextDouble(0.5, 2);
        case 1 -> r.nextDouble(0, 1e6);
        case 2 -> 1 + r.nextDouble(-1e-6, 1e-6);
        case 3 -> Double.longBitsToDouble(r.nextLong(0, 0x7ff0000000000000L)); // every positive finite
        default -> 1.0 / (1L << r.nextInt(64)) * r.nextDouble(0.69, 1.45); // near the mantissa's sqrt(2) cut
      };
    }
    System.arraycopy(edges, 0, xs, 1_000_000, edges.length);
    assertWithinOneUlp("log", VecMath::log, StrictMath::log, xs);
    assertEquals(0.0, VecMath.log(1));
    assertEquals(Double.NEGATIVE_INFINITY, VecMath.log(0.0));
    assertEquals(Double.NEGATIVE_INFINITY, VecMath.log(-0.0));
    assertTrue(Double.isNaN(VecMath.log(-1)));
    assertTrue(Double.isNaN(VecMath.log(Double.NaN)));
    assertEquals(Double.POSITIVE_INFINITY, VecMath.log(Double.POSITIVE_INFINITY));
    assertEquals(StrictMath.log(Double.MIN_VALUE), VecMath.log(Double.MIN_VALUE), "subnormal x");
  }

  @Test
  void specialValues() {
    for (double x : new double[] {Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY}) {
      assertTrue(Double.isNaN(VecMath.sin(x)), "sin(" + x + ")");
      assertTrue(Double.isNaN(VecMath.cos(x)), "cos(" + x + ")");
    }
    assertTrue(Double.isNaN(VecMath.tanh(Double.NaN)));
    assertEquals(0.0, VecMath.sin(0.0));
    assertEquals(1.0, VecMath.cos(0.0));
    assertEquals(1e-300, VecMath.sin(1e-300));
    assertEquals(Math.sin(1e300), VecMath.sin(1e300), "beyond the reduction's range: Math.sin");
    assertEquals(Math.cos(-3e10), VecMath.cos(-3e10));
    assertEquals(0.0, VecMath.tanh(0.0));
    assertEquals(1e-300, VecMath.tanh(1e-300));
    assertEquals(1.0, VecMath.tanh(30));
    assertEquals(1.0, VecMath.tanh(Double.POSITIVE_INFINITY));
    assertEquals(-1.0, VecMath.tanh(Double.NEGATIVE_INFINITY));
    assertEquals(-1.0, VecMath.tanh(-1e300));
  }

  @Test
  void arrayKernelsEqualTheScalarDefinitionsBitwise() {
    SplittableRandom r = new SplittableRandom(3);
    Kernel[] kernels = {VecMath::sin, VecMath::cos, VecMath::tanh, VecMath::exp, VecMath::sigmoid,
        VecMath::log};
    DoubleUnaryOperator[] defs = {VecMath::sin, VecMath::cos, VecMath::tanh, VecMath::exp, VecMath::sigmoid,
        VecMath::log};
    for (int m : new int[] {1, 3, 8, 17, 64, 511, 512}) {
      double[] x = new double[m];
      for (int i = 0; i < m; i++) {
        x[i] = switch (r.nextInt(9)) {
          case 0 -> r.nextDouble(-5, 5);
          case 1 -> r.nextDouble(-1e7, 1e7);
          case 2 -> Double.NaN;
          case 3 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : -0.0;
          case 4 -> EXP_EDGES[r.nextInt(EXP_EDGES.length)];
          case 5 -> r.nextDouble(-750, 720);
          case 6 -> Double.longBitsToDouble(r.nextLong(0, 0x7ff0000000000000L)); // positive finite, subnormal too
          default -> r.nextDouble(-30, 30);
        };
      }
      double[] sin = new double[m];
      double[] cos = new double[m];
      VecMath.sinCos(x, sin, cos, m, new double[VecMath.SCRATCH_ARRAYS][m]);
      for (int i = 0; i < m; i++) {
        assertEquals(Double.doubleToLongBits(VecMath.sin(x[i])), Double.doubleToLongBits(sin[i]), "sinCos: sin of " + x[i]);
        assertEquals(Double.doubleToLongBits(VecMath.cos(x[i])), Double.doubleToLongBits(cos[i]), "sinCos: cos of " + x[i]);
      }
      for (int k = 0; k < kernels.length; k++) {
        double[] o = new double[m];
        kernels[k].run(x, o, m, new double[VecMath.SCRATCH_ARRAYS][m]);
        for (int i = 0; i < m; i++) {
          assertEquals(Double.doubleToLongBits(defs[k].applyAsDouble(x[i])), Double.doubleToLongBits(o[i]),
              "kernel " + k + " at " + i + " of " + m + ", x = " + x[i]);
        }
      }
    }
  }
}
