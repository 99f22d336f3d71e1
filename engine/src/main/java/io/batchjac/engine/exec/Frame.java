package io.batchjac.engine.exec;

/**
 * The storage one thread runs a chunk in: for every slot of a {@link Plan}, an array and the
 * offset where the chunk's first sample starts. A batched slot holds {@code c} samples of its
 * node back to back ({@code sampleSize} values each); a constant slot holds one sample, read by
 * every sample (stride 0).
 */
final class Frame {
  final double[][] buf;
  final int[] off;
  /** The frame's own arrays per slot (inputs and outputs may be rebound to callers' arrays per chunk). */
  double[][] own;
  /** Samples per chunk this frame's buffers hold. */
  int capacity;
  /** The thread's scratch tiles for staged elementwise loops. */
  final Tiles tiles = new Tiles();

  /** Tiles of {@link FusedCode#TILE} values for fused groups, grown on demand. */
  private double[][] fusedTiles = new double[0][];

  /** At least {@code count} fused-group tiles, this frame's own. */
  double[][] fusedTiles(int count) {
    if (fusedTiles.length < count) {
      double[][] more = java.util.Arrays.copyOf(fusedTiles, count);
      for (int i = fusedTiles.length; i < count; i++) {
        more[i] = new double[FusedCode.TILE];
      }
      fusedTiles = more;
    }
    return fusedTiles;
  }

  Frame(int slots) {
    buf = new double[slots][];
    off = new int[slots];
  }
}
