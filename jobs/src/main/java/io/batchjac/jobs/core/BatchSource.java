package io.batchjac.jobs.core;

import java.io.IOException;
import java.io.Serializable;

/**
 * Per-sample input vectors that a Spark task can read by range, on any executor: {@link #batch()}
 * samples of {@link #width()} values each. {@link #rows} returns C-order rows (sample b's values
 * contiguous).
 */
public interface BatchSource extends Serializable {
  long batch();

  int width();

  /** Samples {@code [b0, b0 + count)} as {@code count * width()} values, one row per sample. */
  double[] rows(long b0, int count) throws IOException;

  /**
   * As {@link #rows(long, int)}, into the first {@code count * width()} values of {@code out}: lets
   * a task reading block after block reuse one buffer (on this project's machines a fresh page
   * of heap costs about 10 us the first time it is touched).
   */
  default void rows(long b0, int count, double[] out) throws IOException {
    double[] r = rows(b0, count);
    System.arraycopy(r, 0, out, 0, r.length);
  }
}
