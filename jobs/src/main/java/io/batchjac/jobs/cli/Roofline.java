package io.batchjac.jobs.cli;

import io.batchjac.engine.exec.Blas;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Supplier;

/**
 * The machine's limits as the engine meets them, measured with {@code threads} threads working
 * at once (each on arrays of its own, allocated and touched before the clock starts; the best of
 * {@code repeats} timed rounds, a round lasting as long as its slowest thread):
 * <ul>
 *   <li>{@link #dgemmGflops}: the dgemm rate, each thread multiplying {@code (n x n) @ (n x cols)}
 *       with one single-threaded BLAS call at a time, as the engine's chunks do;</li>
 *   <li>{@link #triadGbs}: the memory bandwidth, each thread running the STREAM triad
 *       {@code a[i] = b[i] + s * c[i]} over arrays far larger than the caches (24 bytes per element
 *       counted, the STREAM convention: write-allocate traffic not included).</li>
 * </ul>
 */
public final class Roofline {
  /** Doubles per triad array and thread: 64 MiB, far beyond any cache. */
  public static final int TRIAD_LENGTH = 1 << 23;

  private Roofline() {}

  /** The dgemm rate in GFLOP/s of {@code threads} concurrent {@code (n x n) @ (n x cols)} products. */
  public static double dgemmGflops(int threads, int n, int cols, int repeats) throws Exception {
    double seconds = fastestRound(threads, repeats, () -> {
      double[] a = filled(n * n);
      double[] b = filled(n * cols);
      double[] c = new double[n * cols];
      return () -> Blas.get().dgemm("N", "N", n, cols, n, 1.0, a, 0, n, b, 0, n, 0.0, c, 0, n);
    });
    return 2.0 * n * n * cols * threads / seconds / 1e9;
  }

  /**
   * The memory bandwidth in GB/s of {@code threads} concurrent STREAM triads over arrays of
   * {@code length} doubles per thread (3 arrays each).
   */
  public static double triadGbs(int threads, int length, int repeats) throws Exception {
    double seconds = fastestRound(threads, repeats, () -> {
      double[] a = new double[length];
      double[] b = filled(length);
      double[] c = filled(length);
      return () -> {
        for (int i = 0; i < length; i++) {
          a[i] = b[i] + 0.5 * c[i];
        }
      };
    });
    return 24.0 * length * threads / seconds / 1e9;
  }

  /**
   * Runs {@code threads} threads, each preparing its work ({@code setup}, untimed, run once to
   * warm up) and then running it in {@code repeats} rounds started together; returns the seconds
   * of the fastest round, a round lasting as long as its slowest thread (each times its own work).
   */
  private static double fastestRound(int threads, int repeats, Supplier<Runnable> setup) throws Exception {
    CyclicBarrier barrier = new CyclicBarrier(threads + 1);
    long[][] elapsed = new long[threads][repeats];
    Thread[] workers = new Thread[threads];
    for (int t = 0; t < threads; t++) {
      final int id = t;
      workers[t] = new Thread(() -> {
        Runnable work = setup.get();
        work.run();
        try {
          for (int r = 0; r < repeats; r++) {
            barrier.await();
            long t0 = System.nanoTime();
            work.run();
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
    long best = Long.MAX_VALUE;
    for (int r = 0; r < repeats; r++) {
      long slowest = 0;
      for (long[] thread : elapsed) {
        slowest = Math.max(slowest, thread[r]);
      }
      best = Math.min(best, slowest);
    }
    return best / 1e9;
  }

  private static double[] filled(int size) {
    double[] d = new double[size];
    for (int i = 0; i < size; i++) {
      d[i] = (i % 17) * 0.01;
    }
    return d;
  }
}
