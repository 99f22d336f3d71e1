package io.batchjac.engine.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Runs a {@link Plan} over a batch: the batch is cut into chunks of {@code C} consecutive
 * samples, and {@code threads} threads take chunks in turn, each with a {@link Frame} of its own.
 * Every chunk is computed by the same kernels in the same order whichever thread runs it, so
 * results do not depend on the thread count; and every kernel's per-sample arithmetic is the same
 * whatever {@code C} is, so they do not depend on the chunk size either. (Matrix products always
 * call BLAS with panels of exactly {@link Plan#panel()} samples or fewer, fixed per product, padding a partial one, since
 * a BLAS's rounding may depend on the call's size; chunks are whole multiples of the panel so
 * that padding happens only at the end of a batch.)
 */
public final class Executor {
  /**
   * Default number of doubles in the largest buffer of a chunk: 512 KiB, about an L2 cache
   * (the system property {@code batchjac.chunkDoubles} overrides it, for experiments; measured on
   * the workloads, 2,048 to 65,536 made no difference beyond noise).
   */
  public static final int DEFAULT_CHUNK_DOUBLES = Integer.getInteger("batchjac.chunkDoubles", 1 << 16);

  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "batchjac-worker");
    t.setDaemon(true);
    return t;
  });

  private final int threads;
  private final int chunkDoubles;
  private final StepProfile profile;

  /**
   * @param threads worker threads (the calling thread is one of them), at least 1
   * @param chunkDoubles target size in doubles of the largest per-chunk buffer
   */
  public Executor(int threads, int chunkDoubles) {
    if (threads < 1) {
      throw new IllegalArgumentException("threads must be at least 1, got " + threads);
    }
    if (chunkDoubles < 1) {
      throw new IllegalArgumentException("chunk size must be positive, got " + chunkDoubles);
    }
    this.threads = threads;
    this.chunkDoubles = chunkDoubles;
    this.profile = null;
  }

  private Executor(Executor base, StepProfile profile) {
    this.threads = base.threads;
    this.chunkDoubles = base.chunkDoubles;
    this.profile = profile;
  }

  /**
   * The same executor recording the time of every step of every chunk into {@code profile}
   * (slower: for finding where time goes, not for timing).
   */
  public Executor profiled(StepProfile profile) {
    return new Executor(this, java.util.Objects.requireNonNull(profile, "profile"));
  }

  /** All available processors, default chunking. */
  public static Executor defaults() {
    return new Executor(Runtime.getRuntime().availableProcessors(), DEFAULT_CHUNK_DOUBLES);
  }

  public int threads() {
    return threads;
  }

  /**
   * The number of samples per chunk for this plan and batch size: a whole number of GEMM panels
   * ({@link Plan#panel()} samples; at least one, even when that exceeds
   * {@code chunkDoubles}), or the whole batch.
   */
  public int chunkSize(Plan plan, int batch) {
    int per = Math.max(1, plan.maxSampleSize());
    int c = Math.max(1, chunkDoubles / per);
    int fair = (batch + threads - 1) / threads;
    c = Math.max(1, Math.min(c, Math.max(1, fair)));
    int panel = plan.panel();
    c = c <= panel ? panel : c / panel * panel;
    return Math.min(c, Math.max(1, batch));
  }

  /**
   * Computes samples {@code [0, batch)}: reads input i of the graph through {@code inputs[i]}
   * (null for inputs the plan does not use) and writes output i through {@code outputs[i]}.
   */
  public void run(Plan plan, int batch, Binding[] inputs, Binding[] outputs) {
    if (batch == 0) {
      return;
    }
    int c = chunkSize(plan, batch);
    Transfers io = new Transfers(plan, inputs, outputs, batch);
    runRanges(batch, c, () -> {
      Frame f = frame(plan, c);
      return (b0, end) -> runChunk(plan, f, io, b0, end - b0, profile);
    });
  }

  /** Work on samples {@code [from, to)} by one thread, with that thread's own state. */
  public interface RangeWork {
    void run(int from, int to);
  }

  /**
   * Runs samples {@code [0, batch)} cut into ranges of {@code range} consecutive samples (the last
   * one shorter), which this executor's threads take in turn (the calling thread is one of them);
   * each thread runs them with the work {@code perThread} makes for it. The first failure is
   * rethrown once all threads have stopped.
   */
  public void runRanges(int batch, int range, java.util.function.Supplier<RangeWork> perThread) {
    if (batch <= 0) {
      return;
    }
    int chunks = (batch + range - 1) / range;
    int workers = Math.min(threads, chunks);
    AtomicInteger next = new AtomicInteger();
    Runnable work = () -> {
      RangeWork w = perThread.get();
      for (int k = next.getAndIncrement(); k < chunks; k = next.getAndIncrement()) {
        int b0 = k * range;
        w.run(b0, Math.min(batch, b0 + range));
      }
    };
    if (workers == 1) {
      work.run();
      return;
    }
    List<Future<?>> futures = new ArrayList<>();
    for (int t = 1; t < workers; t++) {
      futures.add(POOL.submit(work));
    }
    RuntimeException failure = null;
    try {
      work.run();
    } catch (RuntimeException e) {
      failure = e;
      next.set(chunks);
    }
    for (Future<?> fu : futures) {
      try {
        fu.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /**
   * A frame for this plan and chunk size on the calling thread: reused from the thread's last run
   * of the same plan (what makes running a compiled operation on one row at a time cheap, as SQL
   * functions do), else new. A thread keeps frames for a few plans only.
   */
  private static Frame frame(Plan plan, int chunk) {
    java.util.Map<Plan, Frame> cache = FRAMES.get();
    Frame f = cache.get(plan);
    if (f == null || f.capacity < chunk) {
      if (cache.size() >= 16) {
        cache.clear();
      }
      f = plan.newFrame(chunk);
      cache.put(plan, f);
    }
    return f;
  }

  private static final ThreadLocal<java.util.Map<Plan, Frame>> FRAMES =
      ThreadLocal.withInitial(java.util.IdentityHashMap::new);

  private static void runChunk(Plan plan, Frame f, Transfers io, int b0, int c, StepProfile profile) {
    if (profile == null) {
      io.bindInputs(f, b0, c);
      boolean[] direct = io.bindOutputs(f, b0);
      for (Step step : plan.steps()) {
        step.run(f, c);
      }
      io.writeOutputs(f, b0, c, direct);
      return;
    }
    List<Step> steps = plan.steps();
    long[] nanos = new long[steps.size() + 2]; // the steps, then reading inputs, then writing outputs
    long t = System.nanoTime();
    io.bindInputs(f, b0, c);
    boolean[] direct = io.bindOutputs(f, b0);
    long now = System.nanoTime();
    nanos[steps.size()] = now - t;
    t = now;
    for (int i = 0; i < steps.size(); i++) {
      steps.get(i).run(f, c);
      now = System.nanoTime();
      nanos[i] = now - t;
      t = now;
    }
    io.writeOutputs(f, b0, c, direct);
    nanos[steps.size() + 1] = System.nanoTime() - t;
    profile.add(plan, nanos);
  }
}
