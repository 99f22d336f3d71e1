package io.batchjac.jobs.cli;

import io.batchjac.jobs.core.MemoryPlan;
import io.batchjac.udfs.SizeText;

/**
 * The one-line report of an {@code OutOfMemoryError} (thrown here, or in a Spark task and
 * wrapped): the heap size, what was being computed (the running job's {@link MemoryPlan}, else
 * the subcommand) and what to try, never "Java heap space" alone.
 */
final class OutOfMemory {
  private OutOfMemory() {}

  /** True when {@code ex} is, wraps, or (as a Spark task failure) names an {@code OutOfMemoryError}. */
  static boolean is(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OutOfMemoryError || (t.getMessage() != null && t.getMessage().contains("java.lang.OutOfMemoryError"))) {
        return true;
      }
    }
    return false;
  }

  /** The report; {@code subcommand} names the work when no job plan was made (e.g. sql). */
  static String report(String subcommand) {
    long heap = Runtime.getRuntime().maxMemory();
    MemoryPlan plan = MemoryPlan.lastRunning();
    String what = plan != null ? "computing the " + plan.describe() : "running batchjac " + subcommand;
    return "out of memory (the Java heap of " + SizeText.bytes(heap) + " is full) while " + what
        + ". Give the JVM more memory (bin/batchjac: BATCHJAC_JAVA_OPTS=-Xmx<size>; spark-submit: --driver-memory, "
        + "--executor-memory), differentiate fewer values with --wrt NAMES, use a smaller --chunk K (fewer directions "
        + "per pass: smaller working buffers), or run fewer tasks at once (--master local[1])";
  }
}
