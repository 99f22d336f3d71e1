package io.batchjac.engine.math;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The contracts of {@link VecMath}: accuracy against {@link StrictMath} (sin, cos within 1 ulp,
 * tanh within 2), special values, and the array kernels bitwise equal to the scalar definitions
 * whatever the tile length (the JIT vectorizes the body of a long tile, not the tail of a short one).
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
    Kernel[] kernels = {VecMath::sin, VecMath::cos, VecMath::tanh};
    DoubleUnaryOperator[] defs = {VecMath::sin, VecMath::cos, VecMath::tanh};
    for (int m : new int[] {1, 3, 8, 17, 64, 511, 512}) {
      double[] x = new double[m];
      for (int i = 0; i < m; i++) {
        x[i] = switch (r.nextInt(6)) {
          case 0 -> r.nextDouble(-5, 5);
          case 1 -> r.nextDouble(-1e7, 1e7);
          case 2 -> Double.NaN;
          case 3 -> r.nextBoolean() ? Double.POSITIVE_INFINITY : -0.0;
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
