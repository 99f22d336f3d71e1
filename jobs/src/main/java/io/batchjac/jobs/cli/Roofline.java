package io.batchjac.jobs.cli;

import io.batchjac.engine.exec.Blas;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The machine's dgemm rate as the engine uses BLAS: {@code threads} threads each multiplying
 * their own {@code (n x n) @ (n x cols)} matrices concurrently (one BLAS call per thread at a
 * time, as the engine's chunks do). Best of a few repetitions, in GFLOP/s.
 */
final class Roofline {
  private Roofline() {}

  static double dgemmGflops(int threads, int n, int cols, int repeats) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      double best = 0;
      for (int r = 0; r < repeats + 1; r++) {
        List<Callable<Void>> tasks = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          tasks.add(() -> {
            double[] a = filled(n * n);
            double[] b = filled(n * cols);
            double[] c = new double[n * cols];
            Blas.get().dgemm("N", "N", n, cols, n, 1.0, a, 0, n, b, 0, n, 0.0, c, 0, n);
            return null;
          });
        }
        long t0 = System.nanoTime();
        for (Future<Void> f : pool.invokeAll(tasks)) {
          f.get();
        }
        double s = (System.nanoTime() - t0) / 1e9;
        double gflops = 2.0 * n * n * cols * threads / s / 1e9;
        if (r > 0) {
          best = Math.max(best, gflops);
        }
      }
      return best;
    } finally {
      pool.shutdownNow();
    }
  }

  private static double[] filled(int size) {
    double[] d = new double[size];
    for (int i = 0; i < size; i++) {
      d[i] = (i % 17) * 0.01;
    }
    return d;
  }
}
