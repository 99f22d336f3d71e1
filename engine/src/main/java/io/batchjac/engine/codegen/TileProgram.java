package io.batchjac.engine.codegen;

/**
 * Generated code of a fused group of elementwise operations (see the engine's
 * {@code exec/FusedCode}): runs the group over {@code total} consecutive values, tile by tile.
 */
public abstract class TileProgram {
  /**
   * @param arrays the group's external inputs, then the arrays its written-out values go to
   * @param offsets where value 0 of the run sits in each of {@code arrays}
   * @param scalars the group's scalar constant operands
   * @param total the number of values of the run
   * @param tiles at least the program's tile count of arrays of its tile size
   * @param scratch the scratch tiles of the vectorized kernels (VecMath's), each at least a tile
   */
  public abstract void run(double[][] arrays, int[] offsets, double[] scalars, int total, double[][] tiles,
      double[][] scratch);

  /** True when the first n values of g are all greater than 0 (none zero, none NaN). */
  protected static boolean allPositive(double[] g, int n) {
    for (int i = 0; i < n; i++) {
      if (!(g[i] > 0)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Fills {@code tile[0, m)} with values {@code q .. q + m - 1} of a run of samples of
   * {@code size} values each, read from an operand that repeats: value {@code e} of sample
   * {@code s} is {@code src[base + s * stride + e % period]} (stride 0 for a constant; a
   * per-sample partial of {@code period} values repeated over {@code size / period} rows has
   * stride {@code period}). Copies runs, so it costs about what copying m values costs.
   */
  protected static void repeat(double[] src, int base, int stride, int period, int size, int q, int m,
      double[] tile) {
    int s = q / size;
    int e = q - s * size;
    int i = 0;
    while (i < m) {
      int pe = e % period;
      int len = Math.min(period == 1 ? size - e : Math.min(period - pe, size - e), m - i);
      int from = base + s * stride + pe;
      if (period == 1) {
        java.util.Arrays.fill(tile, i, i + len, src[from]);
      } else {
        System.arraycopy(src, from, tile, i, len);
      }
      i += len;
      e += len;
      if (e == size) {
        e = 0;
        s++;
      }
    }
  }
}
