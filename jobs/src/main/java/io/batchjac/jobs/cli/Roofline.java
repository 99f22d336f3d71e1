package io.batchjac.jobs.cli;

import io.batchjac.engine.exec.Blas;
import java.util.concurrent.CyclicBarrier;

/**
 * The machine's dgemm rate as the engine uses BLAS: {@code threads} threads, each multiplying
 * its own {@code (n x n) @ (n x cols)} matrices concurrently (one single-threaded BLAS call per
 * thread at a time, as the engine's chunks do). Matrices are allocated and touched before the
 * clock starts; the best of {@code repeats} timed rounds, in GFLOP/s.
 */
final class Roofline {
  private Roofline() {}

  static double dgemmGflops(int threads, int n, int cols, int repeats) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(threads + 1);
    long[][] elapsed = new long[threads][repeats];
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      final int id = t;
      workers[t] = new Thread(() -> {
        double[] a = filled(n * n);
        double[] b = filled(n * cols);
        double[] c = new double[n * cols];
        Blas.get().dgemm("N", "N", n, cols, n, 1.0, a, 0, n, b, 0, n, 0.0, c, 0, n);
        try {
          for (int r = 0; r < repeats; r++) {
            barrier.await();
            long t0 = System.nanoTime();
            Blas.get().dgemm("N", "N", n, cols, n, 1.0, a, 0, n, b, 0, n, 0.0, c, 0, n);
            elapsed[id][r] = System.nanoTime() - t0;
            barrier.await();
          }
        } catch (Exception e) {
          Thread.currentThread().interrupt();
        }
      }, "roofline-" + t);
      workers[t].setDaemon(true);
      workers[t].start();
    }
    for (int r = 0; r < repeats; r++) {
      barrier.await();
      barrier.await();
    }
    for (Thread w : workers) {
      w.join();
    }
    // a round lasts as long as its slowest thread (each thread times its own call)
    double best = 0;
    for (int r = 0; r < repeats; r++) {
      long slowest = 0;
      for (int t = 0; t < threads; t++) {
        slowest = Math.max(slowest, elapsed[t][r]);
      }
      best = Math.max(best, 2.0 * n * n * cols * threads / (slowest / 1e9) / 1e9);
    }
    return best;
  }

  private static double[] filled(int size) {
    double[] d = new double[size];
    for (int i = 0; i < size; i++) {
      d[i] = (i % 17) * 0.01;
    }
    return d;
  }
}
