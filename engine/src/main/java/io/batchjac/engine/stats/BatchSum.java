package io.batchjac.engine.stats;

import java.util.List;

/**
 * The sum over a batch of per-sample results of {@link #width()} values each, bitwise
 * reproducible: the samples are cut into fixed {@link SampleBlocks} by global sample index (the
 * size depends on the width only), each block is summed sample after sample, and the blocks'
 * sums are merged by elementwise addition in the fixed {@link MergeTree}. No step depends on the
 * thread count, the chunk size or how the blocks are split between workers, so in-process runs
 * ({@link #total}) and Spark jobs (a task per range of blocks runs {@link #pieces}, the driver
 * {@link #combine}) give the same bits.
 *
 * <p>Rounding, exactly: for element j, a block's sum is {@code ((0 + r_0[j]) + r_1[j]) + ...}
 * over its samples in increasing order; a tree node's sum is {@code left[j] + right[j]}; every
 * addition is one IEEE 754 double addition (round to nearest even). The per-sample results
 * {@code r_b} themselves are the engine's, bitwise independent of the batch they are computed
 * in. Memory: one block of per-sample results per worker (at most 8 MiB unless one sample
 * alone is larger), and about 2 log2(blocks) sums of {@link #width()} values.
 */
public final class BatchSum {
  /** Computes per-sample results. */
  @FunctionalInterface
  public interface Block {
    /**
     * Writes the results of samples {@code [b0, b0 + count)} into {@code out}: sample
     * {@code b0 + s} at {@code out[s * width .. (s + 1) * width)}. Called once per block, in
     * increasing block order.
     */
    void compute(long b0, int count, double[] out);
  }

  private final int width;
  private final SampleBlocks blocks;

  /**
   * Sums of {@code width} values per sample, in blocks of the largest power of two from 1 to 4096
   * samples whose values take at most 8 MiB ({@link SampleBlocks#fitting}): one sample per block
   * only when a sample alone has more than 2^19 values.
   */
  public BatchSum(int width) {
    if (width < 0) {
      throw new IllegalArgumentException("values per sample must be at least 0, got " + width);
    }
    this.width = width;
    this.blocks = SampleBlocks.fitting(width, 1);
  }

  /** Values per sample, and of the sum. */
  public int width() {
    return width;
  }

  /** The fixed blocks: what a worker must hold whole (Spark partitions are cut at their borders). */
  public SampleBlocks blocks() {
    return blocks;
  }

  /** The tree pieces of the blocks {@code [fromBlock, toBlock)} of a batch of B samples (one worker's share). */
  public List<MergeTree.Piece<double[]>> pieces(long batch, long fromBlock, long toBlock, Block block) {
    long count = blocks.count(batch);
    double[][] buffer = {null}; // one block of per-sample results, reused block after block
    return MergeTree.pieces(count, fromBlock, toBlock, k -> {
      int len = blocks.length(k, batch);
      if (buffer[0] == null) {
        buffer[0] = new double[Math.multiplyExact(width, (int) Math.min(blocks.size(), batch))];
      }
      block.compute(blocks.start(k), len, buffer[0]);
      return sumOfSamples(buffer[0], len, width);
    }, BatchSum::add);
  }

  /** The sum of the whole batch from every block's pieces (zeros for an empty batch). */
  public double[] combine(long batch, List<MergeTree.Piece<double[]>> pieces) {
    for (MergeTree.Piece<double[]> p : pieces) {
      if (p.value().length != width) {
        throw new IllegalArgumentException("a piece holds " + p.value().length + " values, expected " + width);
      }
    }
    double[] sum = MergeTree.root(blocks.count(batch), pieces, BatchSum::add);
    return sum == null ? new double[width] : sum;
  }

  /** The sum of a batch of B samples, every block computed in this thread in order. */
  public double[] total(long batch, Block block) {
    return combine(batch, pieces(batch, 0, blocks.count(batch), block));
  }

  /** Element j: the samples' values added in increasing sample order, starting from 0. */
  static double[] sumOfSamples(double[] values, int count, int width) {
    double[] sum = new double[width];
    for (int s = 0; s < count; s++) {
      int at = s * width;
      for (int j = 0; j < width; j++) {
        sum[j] += values[at + j];
      }
    }
    return sum;
  }

  /** Elementwise {@code a + b}, into a new array (pieces handed in are not modified). */
  static double[] add(double[] a, double[] b) {
    double[] out = new double[a.length];
    for (int j = 0; j < out.length; j++) {
      out[j] = a[j] + b[j];
    }
    return out;
  }
}
