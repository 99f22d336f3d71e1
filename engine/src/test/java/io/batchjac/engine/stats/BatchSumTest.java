package io.batchjac.engine.stats;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link BatchSum}: any split of the blocks between workers gives the same bits as one worker,
 * the documented rounding (in-block sums in sample order, then the fixed tree), block sizes, and
 * the empty batch.
 */
class BatchSumTest {
  /** Per-sample values of sample b: a fixed pseudo-random function of (b, j) with a wide range. */
  private static BatchSum.Block values(int width) {
    return (b0, count, out) -> {
      for (int s = 0; s < count; s++) {
        SplittableRandom r = new SplittableRandom(b0 + s);
        for (int j = 0; j < width; j++) {
          out[s * width + j] = r.nextDouble(-1, 1) * Math.pow(10, r.nextInt(-8, 9));
        }
      }
    };
  }

  @Test
  void everySplitOfTheBlocksGivesTheSameBits() {
    int width = 5;
    long batch = 30_001; // 8 blocks of 4096, the last partial
    BatchSum sum = new BatchSum(width);
    assertEquals(4096, sum.blocks().size());
    long blocks = sum.blocks().count(batch);
    assertEquals(8, blocks);
    double[] one = sum.total(batch, values(width));
    for (int parts : new int[] {1, 3, 8}) {
      List<MergeTree.Piece<double[]>> pieces = new ArrayList<>();
      for (int p = parts - 1; p >= 0; p--) { // workers finish in any order
        pieces.addAll(sum.pieces(batch, blocks * p / parts, blocks * (p + 1) / parts, values(width)));
      }
      assertArrayEquals(one, sum.combine(batch, pieces), "split into " + parts + " ranges of blocks");
    }
  }

  @Test
  void blocksAreSummedInSampleOrderThenMergedInTheTree() {
    // width 1: blocks of 4096. Block 0 = 1e16 then 4095 ones (each lost to rounding: 1e16 + 1
    // rounds to 1e16), block 1 = 4096 ones, block 2 = -1e16 then zeros.
    // Tree: (b0 + b1) + b2 = (1e16 + 4096) - 1e16 = 4096; a running sum would give 0.
    BatchSum.Block block = (b0, count, out) -> {
      for (int s = 0; s < count; s++) {
        long b = b0 + s;
        out[s] = b == 0 ? 1e16 : b == 2 * 4096 ? -1e16 : b < 2 * 4096 ? 1 : 0;
      }
    };
    double[] total = new BatchSum(1).total(3 * 4096, block);
    assertArrayEquals(new double[] {4096}, total);
  }

  @Test
  void blockSizesDependOnTheValuesPerSampleOnly() {
    assertEquals(4096, SampleBlocks.forValuesPerSample(0).size());
    assertEquals(4096, SampleBlocks.forValuesPerSample(256).size());
    assertEquals(2048, SampleBlocks.forValuesPerSample(257).size());
    assertEquals(64, SampleBlocks.forValuesPerSample(1 << 20).size());
    assertEquals(16, new BatchSum(1 << 16).blocks().size());
    assertEquals(1, new BatchSum(1 << 21).blocks().size());
    SampleBlocks b = new SampleBlocks(64);
    assertEquals(3, b.count(129));
    assertEquals(128, b.start(2));
    assertEquals(1, b.length(2, 129));
  }

  @Test
  void anEmptyBatchSumsToZeros() {
    BatchSum sum = new BatchSum(3);
    assertArrayEquals(new double[3], sum.total(0, (b0, count, out) -> {
      throw new AssertionError("no block to compute");
    }));
  }

  @Test
  void piecesOfTheWrongWidthAreRefused() {
    BatchSum sum = new BatchSum(2);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> sum.combine(10, List.of(new MergeTree.Piece<>(0, 0, new double[3]))));
    assertEquals("a piece holds 3 values, expected 2", e.getMessage());
  }
}
