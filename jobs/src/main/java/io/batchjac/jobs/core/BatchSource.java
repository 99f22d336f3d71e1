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
}
