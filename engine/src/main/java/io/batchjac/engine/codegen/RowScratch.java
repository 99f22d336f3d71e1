package io.batchjac.engine.codegen;

/**
 * One thread's working storage for a {@link RowKernel}: per-block arrays ({@link #BLOCK} values
 * each, one per sample of the block) for the values one generated method hands to another and for
 * the operands and results of the vectorized tile kernels (VecMath's sin, cos, tanh, exp, sigmoid, log), and those
 * kernels' scratch tiles.
 */
public final class RowScratch {
  /** Samples per block of a batch run ({@link RowKernel#rows}); one row uses the first value. */
  public static final int BLOCK = 128;

  /** The block arrays. */
  public final double[][] blocks;
  /** The tile kernels' scratch tiles. */
  public final double[][] scratch = new double[io.batchjac.engine.math.VecMath.SCRATCH_ARRAYS][BLOCK];

  /** @param blocks the number of block arrays the program uses */
  public RowScratch(int blocks) {
    this.blocks = new double[blocks][BLOCK];
  }
}
