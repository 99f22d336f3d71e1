package io.batchjac.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.codegen.ElementKernel;
import io.batchjac.engine.codegen.Kernels;
import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.Unary;
import java.util.SplittableRandom;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * {@link Loops}: every entry point, on the aligned route (equal offsets) and the staged one
 * (offsets that differ, runs longer than a tile), gives bitwise the scalar definition of the
 * primitive for every element, zeros, infinities and NaN included.
 */
class LoopsTest {
  private static final SplittableRandom R = new SplittableRandom(5);

  private static double value() {
    return switch (R.nextInt(10)) {
      case 0 -> 0.0;
      case 1 -> -0.0;
      case 2 -> Double.POSITIVE_INFINITY;
      case 3 -> Double.NaN;
      case 4 -> R.nextDouble(-1e6, 1e6);
      default -> R.nextDouble(-3, 3);
    };
  }

  private static double[] values(int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      v[i] = value();
    }
    return v;
  }

  private static void assertBits(double expected, double actual, String what) {
    assertEquals(Double.doubleToLongBits(expected), Double.doubleToLongBits(actual), what + ": " + expected + " vs " + actual);
  }

  private static final Binary[] BINARIES = {Elementwise.ADD, Elementwise.SUB, Elementwise.MUL, Elementwise.DIV,
      Elementwise.ZMUL, Elementwise.ZDIV, Elementwise.binary("max")};
  private static final int[][] OFFSETS = {{0, 0, 0}, {7, 7, 7}, {0, 3, 5}, {2, 0, 0}};

  @Test
  void binaryLoopsEqualTheDefinitionOnBothRoutes() {
    for (Binary op : BINARIES) {
      for (int n : new int[] {1, 33, Tiles.SIZE + 77}) {
        for (int[] off : OFFSETS) {
          double[] a = values(n + 10);
          double[] b = values(n + 10);
          double s = value();
          double[] o = new double[n + 10];
          Tiles t = new Tiles();
          String what = op.name() + " n=" + n + " offsets " + java.util.Arrays.toString(off);
          Loops.vv(Kernels.of(op.definition()), a, off[0], b, off[1], o, off[2], n, t);
          for (int i = 0; i < n; i++) {
            assertBits(op.fn().applyAsDouble(a[off[0] + i], b[off[1] + i]), o[off[2] + i], "vv " + what);
          }
          Loops.vs(Kernels.of(op.definition()), a, off[0], s, o, off[2], n, t);
          for (int i = 0; i < n; i++) {
            assertBits(op.fn().applyAsDouble(a[off[0] + i], s), o[off[2] + i], "vs " + what);
          }
          Loops.sv(Kernels.of(op.definition()), s, b, off[1], o, off[2], n, t);
          for (int i = 0; i < n; i++) {
            assertBits(op.fn().applyAsDouble(s, b[off[1] + i]), o[off[2] + i], "sv " + what);
          }
        }
      }
    }
  }

  @Test
  void repeatingOperandOnShortAndLongPeriods() {
    for (Binary op : BINARIES) {
      for (int p : new int[] {1, 5, 64, Tiles.SIZE - 1, Tiles.SIZE + 3}) {
        int reps = 7;
        double[] a = values(p * reps + 4);
        double[] b = values(p + 4);
        double[] o = new double[p * reps + 4];
        Loops.vRepeat(Kernels.of(op.definition()), a, 3, b, 1, o, 2, p, reps, new Tiles());
        for (int r = 0; r < reps; r++) {
          for (int i = 0; i < p; i++) {
            assertBits(op.fn().applyAsDouble(a[3 + r * p + i], b[1 + i]), o[2 + r * p + i],
                "vRepeat " + op.name() + " p=" + p + " r=" + r + " i=" + i);
          }
        }
      }
    }
  }

  @Test
  void unaryLoopsEqualTheDefinitionOnBothRoutes() {
    for (Unary op : Elementwise.unaries().values()) {
      DoubleUnaryOperator fn = op.fn();
      for (int n : new int[] {1, 40, 2 * Tiles.SIZE + 9}) {
        for (int[] off : OFFSETS) {
          double[] x = values(n + 10);
          double[] o = new double[n + 10];
          Loops.unary(Kernels.of(op.definition()), x, off[0], o, off[2], n, new Tiles());
          for (int i = 0; i < n; i++) {
            assertBits(fn.applyAsDouble(x[off[0] + i]), o[off[2] + i], op.name() + " n=" + n + " at " + i);
          }
        }
      }
    }
  }

  @Test
  void constantPowersMultiplyForSmallIntegers() {
    double[] x = values(300);
    for (double c : new double[] {0, 1, 2, 3, 4, 5, -1, -2, -3, 7, 8, 0.5, -0.5, 9, 2.5}) {
      double[] o = new double[300];
      ElementKernel k = Kernels.of(new io.batchjac.engine.ir.PowConst(c).definition());
      Loops.unary(k, x, 0, o, 0, 300, new Tiles());
      double[] staged = new double[300];
      Loops.unary(k, x, 0, staged, 1, 299, new Tiles());
      for (int i = 0; i < 299; i++) {
        assertBits(o[i], staged[i + 1], "x^" + c + " staged at " + i);
      }
      for (int i = 0; i < 300; i++) {
        double v = x[i];
        double expected = Math.pow(v, c);
        if (v == 0) {
          continue; // 1/sqrt(-0) is -inf where pow gives +inf: the sign of a pole
        }
        if (Double.isFinite(expected) && Double.isFinite(o[i]) && expected != 0) {
          assertEquals(expected, o[i], 4 * Math.ulp(expected), "x^" + c + " at x = " + v);
        } else if (!Double.isNaN(expected)) {
          assertEquals(expected, o[i], 0.0, "x^" + c + " at x = " + v);
        }
      }
    }
  }
}
