package io.batchjac.jobs.core;

import java.io.IOException;
import java.io.Serializable;

/**
 * Where a task that writes its results itself (see {@link PartitionTask#writingTo}) puts them: a
 * task computes its range of samples sub-block by sub-block into reused buffers and hands each
 * sub-block, in order, to the {@link Part} it opened for its range; the part is committed when
 * the range is complete and discarded (nothing left behind) when the task fails.
 */
interface BlockSink extends Serializable {
  /** Whether parts need f's values beside the operation's result (Parquet's {@code value} column). */
  boolean needsValues();

  /** Opens the part for the samples {@code [b0, b0 + count)}. */
  Part open(long b0, int count) throws IOException;

  /** One task's output. */
  interface Part extends AutoCloseable {
    /**
     * Writes samples {@code [b0, b0 + count)}: {@code data} holds their result blocks back to back
     * (the layout of {@code PreparedOp#runInto}), {@code values} f's M values per sample (null
     * unless {@link #needsValues()}; for eval, the same array as {@code data}).
     */
    void write(long b0, int count, double[] data, double[] values) throws IOException;

    /** Makes the part's output final (called once, after the last write). */
    void commit() throws IOException;

    /** Releases the part; without a commit, removes what it wrote where that can be undone. */
    @Override
    void close() throws IOException;
  }
}
