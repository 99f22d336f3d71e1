package io.batchjac.engine.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The mergeable moments against direct formulas, the fixed merge tree's independence of splits. */
class SensitivityAggregateTest {
  static final int M = 2;
  static final int N = 3;

  /** Random block data: x rows, f (M, C) and jac (M, N, C), all offset by a large constant. */
  static double[][] data(long seed, int count, double offset) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[count * N];
    double[] f = new double[count * M];
    double[] j = new double[count * M * N];
    for (double[] v : new double[][] {x, f, j}) {
      for (int i = 0; i < v.length; i++) {
        v[i] = offset + r.nextDouble();
      }
    }
    return new double[][] {x, f, j};
  }

  static SensitivityAggregate of(double[][] d, int from, int to) {
    int c = to - from;
    return SensitivityAggregate.ofBlock(M, N, c,
        java.util.Arrays.copyOfRange(d[0], from * N, to * N),
        java.util.Arrays.copyOfRange(d[1], from * M, to * M),
        java.util.Arrays.copyOfRange(d[2], from * M * N, to * M * N));
  }

  @Test
  void mergedBlocksMatchTheDirectFormulasWithoutCancellation() {
    int b = 3000;
    double offset = 1e6; // raw sums of squares would lose every digit of the variance here
    double[][] d = data(7, b, offset);
    SensitivityAggregate merged = of(d, 0, 1000).merge(of(d, 1000, 1001)).merge(of(d, 1001, b));
    assertEquals(b, merged.count());
    for (int m = 0; m < M; m++) {
      for (int n = 0; n < N; n++) {
        double[] v = new double[b];
        for (int s = 0; s < b; s++) {
          v[s] = d[2][m + M * n + M * N * s];
        }
        assertClose(mean(v), merged.derivativeMean(m, n), "mean of d");
        assertClose(variance(v), merged.derivativeVariance(m, n), "variance of d");
        double[] sq = new double[b];
        double[] abs = new double[b];
        for (int s = 0; s < b; s++) {
          sq[s] = v[s] * v[s];
          abs[s] = Math.abs(v[s]);
        }
        assertClose(mean(sq), merged.squaredDerivativeMean(m, n), "mean of d^2");
        assertClose(variance(sq), merged.squaredDerivativeVariance(m, n), "variance of d^2");
        assertClose(mean(abs), merged.absDerivativeMean(m, n), "mean of |d|");
      }
      double[] f = new double[b];
      for (int s = 0; s < b; s++) {
        f[s] = d[1][m + M * s];
      }
      assertClose(variance(f), merged.outputVariance(m), "Var(f)");
      assertClose(1.0 / 12, merged.outputVariance(m), 0.05, "Var(f) of uniform draws");
    }
    assertTrue(Double.isNaN(SensitivityAggregate.empty(M, N).outputVariance(0)), "no variance of no samples");
  }

  @Test
  void theTreeGivesBitwiseTheSameRootForEverySplit() {
    int blocks = 13;
    int per = 50;
    double[][] d = data(3, blocks * per - 17, 0);
    int total = blocks * per - 17;
    java.util.function.LongFunction<SensitivityAggregate> leaf =
        k -> of(d, (int) k * per, (int) Math.min((k + 1) * per, total));
    SensitivityAggregate whole = MergeTree.root(blocks, MergeTree.pieces(blocks, 0, blocks, leaf, SensitivityAggregate::merge),
        SensitivityAggregate::merge);
    for (int parts : new int[] {2, 3, 5, 7, 13, 20}) {
      List<MergeTree.Piece<SensitivityAggregate>> pieces = new ArrayList<>();
      for (int p = parts - 1; p >= 0; p--) { // any order of arrival
        pieces.addAll(MergeTree.pieces(blocks, (long) blocks * p / parts, (long) blocks * (p + 1) / parts, leaf,
            SensitivityAggregate::merge));
      }
      SensitivityAggregate split = MergeTree.root(blocks, pieces, SensitivityAggregate::merge);
      for (int m = 0; m < M; m++) {
        assertEquals(Double.doubleToRawLongBits(whole.outputVariance(m)), Double.doubleToRawLongBits(split.outputVariance(m)));
        for (int n = 0; n < N; n++) {
          assertEquals(Double.doubleToRawLongBits(whole.squaredDerivativeMean(m, n)),
              Double.doubleToRawLongBits(split.squaredDerivativeMean(m, n)), parts + " parts: nu");
          assertEquals(Double.doubleToRawLongBits(whole.squaredDerivativeVariance(m, n)),
              Double.doubleToRawLongBits(split.squaredDerivativeVariance(m, n)), parts + " parts: Var(d^2)");
          assertEquals(Double.doubleToRawLongBits(whole.derivativeVariance(m, n)),
              Double.doubleToRawLongBits(split.derivativeVariance(m, n)), parts + " parts: Var(d)");
        }
      }
    }
  }

  @Test
  void missingOrDuplicatePiecesAreErrors() {
    java.util.function.LongFunction<Integer> leaf = k -> 1;
    List<MergeTree.Piece<Integer>> half = MergeTree.pieces(8, 0, 4, leaf, Integer::sum);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> MergeTree.root(8, half, Integer::sum));
    assertTrue(e.getMessage().contains("block 4 of 8 is missing"), e.getMessage());
    List<MergeTree.Piece<Integer>> twice = new ArrayList<>(half);
    twice.addAll(half);
    assertThrows(IllegalArgumentException.class, () -> MergeTree.root(8, twice, Integer::sum));
    List<MergeTree.Piece<Integer>> all = new ArrayList<>(half);
    all.addAll(MergeTree.pieces(8, 4, 8, leaf, Integer::sum));
    assertEquals(8, MergeTree.root(8, all, Integer::sum));
    assertEquals(5, MergeTree.root(5, MergeTree.pieces(5, 0, 5, leaf, Integer::sum), Integer::sum));
  }

  static double mean(double[] v) {
    double s = 0;
    for (double x : v) {
      s += x;
    }
    return s / v.length;
  }

  static double variance(double[] v) {
    double mu = mean(v);
    double s = 0;
    for (double x : v) {
      s += (x - mu) * (x - mu);
    }
    return s / (v.length - 1);
  }

  static void assertClose(double expected, double actual, String what) {
    assertClose(expected, actual, 1e-9, what);
  }

  static void assertClose(double expected, double actual, double rel, String what) {
    assertTrue(Math.abs(expected - actual) <= rel * Math.abs(expected), what + ": expected " + expected + ", got " + actual);
  }
}
