package io.batchjac.engine.exec;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Where a plan's time goes: wall-clock nanoseconds per step (and for reading the inputs into a
 * chunk and writing its outputs), summed over every chunk and thread
 * that ran while the profile was attached (see {@link Executor#profiled(StepProfile)}). Timing a
 * step costs two {@link System#nanoTime()} calls per chunk, so profiled runs are for finding the
 * expensive kernels, not for the figures themselves. Thread-safe.
 */
public final class StepProfile {
  /** Per distinct plan (plans that describe alike, e.g. compiled anew per call, are merged). */
  private final Map<String, long[]> nanos = new java.util.HashMap<>();
  private final Map<String, Plan> order = new java.util.LinkedHashMap<>();
  /** Each plan's description, built once (a run compiles its plans anew; chunks reuse them). */
  private final Map<Plan, String> keys = new java.util.IdentityHashMap<>();

  /**
   * Adds one chunk's times of {@code plan}: one per step, then the time spent reading the inputs
   * into the chunk and writing the outputs out of it.
   */
  synchronized void add(Plan plan, long[] stepNanos) {
    String key = keys.computeIfAbsent(plan, Plan::describe);
    long[] acc = nanos.get(key);
    if (acc == null) {
      acc = new long[stepNanos.length];
      nanos.put(key, acc);
      order.put(key, plan);
    }
    for (int i = 0; i < acc.length; i++) {
      acc[i] += stepNanos[i];
    }
  }

  /** Total nanoseconds recorded (steps, inputs, outputs) in all plans. */
  public synchronized long totalNanos() {
    long t = 0;
    for (long[] a : nanos.values()) {
      for (long v : a) {
        t += v;
      }
    }
    return t;
  }

  /**
   * A table of the {@code top} most expensive steps (share of the total, milliseconds, plan and
   * step number, what the step computes), then the time per kind of kernel.
   */
  public synchronized String report(int top) {
    record Row(long nanos, int plan, int step, String what, String kernel) {}
    List<Row> rows = new ArrayList<>();
    Map<String, Long> perKernel = new java.util.TreeMap<>();
    int p = 0;
    for (Map.Entry<String, Plan> e : order.entrySet()) {
      Plan plan = e.getValue();
      long[] acc = nanos.get(e.getKey());
      int steps = acc.length - 2;
      for (int s = 0; s < acc.length; s++) {
        String kernel = s < steps ? plan.kernelOf(s) : s == steps ? "(reading inputs)" : "(writing outputs)";
        String what = s < steps ? plan.describeStep(s) : kernel;
        rows.add(new Row(acc[s], p, s, what, kernel));
        perKernel.merge(kernel, acc[s], Long::sum);
      }
      p++;
    }
    rows.sort((a, b) -> Long.compare(b.nanos(), a.nanos()));
    double total = Math.max(1, totalNanos());
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "  %d steps in %d plan(s), %.1f ms in steps, inputs and outputs (all threads)%n",
        rows.size() - 2 * order.size(), order.size(), total / 1e6));
    for (int i = 0; i < Math.min(top, rows.size()); i++) {
      Row r = rows.get(i);
      sb.append(String.format(Locale.ROOT, "  %5.1f%% %9.2f ms  plan %d step %3d  %s%n",
          100 * r.nanos() / total, r.nanos() / 1e6, r.plan(), r.step(), r.what()));
    }
    sb.append("  by kernel:\n");
    perKernel.entrySet().stream()
        .sorted((a, b) -> Long.compare(b.getValue(), a.getValue()))
        .forEach(e -> sb.append(String.format(Locale.ROOT, "  %5.1f%% %9.2f ms  %s%n",
            100 * e.getValue() / total, e.getValue() / 1e6, e.getKey())));
    return sb.toString();
  }
}
