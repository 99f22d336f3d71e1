package io.batchjac.engine.stats;

/**
 * Fixed blocks of consecutive samples by global sample index, the leaves of a {@link MergeTree}:
 * block k holds the samples {@code [k * size, min((k + 1) * size, B))}. The block size is a
 * function of the values each sample contributes only ({@link #forValuesPerSample}), never of
 * the thread count, the chunk size or the partitioning, so reductions folded block by block and
 * merged in the tree are bitwise reproducible.
 *
 * @param size samples per block (the last block of a batch may hold fewer)
 */
public record SampleBlocks(int size) {
  /** Largest block: 4096 samples. */
  static final int MAX_BLOCK = 4096;

  /** Smallest block of {@link #forValuesPerSample}: 64 samples. */
  static final int MIN_BLOCK = 64;

  /** A block's per-sample values take at most about this many doubles (8 MiB). */
  static final long BLOCK_DOUBLES = 1L << 20;

  public SampleBlocks {
    if (size < 1) {
      throw new IllegalArgumentException("block size must be at least 1, got " + size);
    }
  }

  /**
   * Blocks for samples of {@code perSample} values each: the largest power of two from 64 to 4096
   * samples whose values take at most 8 MiB.
   */
  public static SampleBlocks forValuesPerSample(long perSample) {
    return fitting(perSample, MIN_BLOCK);
  }

  /**
   * Blocks for samples of {@code perSample} values each: the largest power of two from
   * {@code smallest} to 4096 samples whose values take at most 8 MiB.
   */
  public static SampleBlocks fitting(long perSample, int smallest) {
    long per = Math.max(1L, perSample);
    long fit = Math.max(1L, BLOCK_DOUBLES / per);
    int pow = (int) Math.min(MAX_BLOCK, Long.highestOneBit(fit));
    return new SampleBlocks(Math.max(smallest, pow));
  }

  /** Blocks of a batch of B samples. */
  public long count(long batch) {
    return (batch + size - 1) / size;
  }

  /** First sample of block k. */
  public long start(long k) {
    return k * size;
  }

  /** Samples in block k of a batch of B. */
  public int length(long k, long batch) {
    return (int) Math.min(size, batch - k * size);
  }
}
