package io.batchjac.bench.baseline;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a per-sample loop over a batch on a fixed number of threads the way the engine's
 * {@code Executor} does: the batch is cut into blocks of {@link #BLOCK} consecutive samples that
 * the threads take in turn (the calling thread is one of them). Used by the baselines so that
 * they get the same parallelism as the engine.
 */
public final class RangeRunner implements AutoCloseable {
  /** Samples per block taken by a thread. */
  public static final int BLOCK = 4096;

  /** The loop body over samples {@code [from, to)}. */
  @FunctionalInterface
  public interface Body {
    void run(int from, int to);
  }

  private final int threads;
  private final ExecutorService pool;

  public RangeRunner(int threads) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    this.threads = threads;
    this.pool = threads > 1 ? Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "baseline-worker");
      t.setDaemon(true);
      return t;
    }) : null;
  }

  public int threads() {
    return threads;
  }

  /** Runs {@code body} over {@code [0, batch)} and returns when every block is done. */
  public void run(int batch, Body body) {
    int blocks = (batch + BLOCK - 1) / BLOCK;
    AtomicInteger next = new AtomicInteger();
    Runnable work = () -> {
      for (int k = next.getAndIncrement(); k < blocks; k = next.getAndIncrement()) {
        body.run(k * BLOCK, Math.min(batch, (k + 1) * BLOCK));
      }
    };
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 1; t < Math.min(threads, blocks); t++) {
      futures.add(pool.submit(work));
    }
    work.run();
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        throw new IllegalStateException("baseline worker failed", e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
  }

  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
    }
  }
}
