package io.batchjac.engine.codegen;

/**
 * One thread's working storage for a {@link RowKernel}: the values one part of the generated code
 * hands to a later part ({@link #spill}), and one-value tiles for the vectorized tile kernels
 * (VecMath's sin, cos, tanh), which generated code calls on a tile of one value.
 */
public final class RowScratch {
  /** Values passed between the generated methods of one row. */
  public final double[] spill;
  /** Input tile of one value. */
  public final double[] a = new double[1];
  /** Output tile of one value. */
  public final double[] o = new double[1];
  /** Second output tile of one value (the cosine of sinCos). */
  public final double[] b = new double[1];
  /** The tile kernels' scratch tiles, one value each. */
  public final double[][] scratch = new double[io.batchjac.engine.math.VecMath.SCRATCH_ARRAYS][1];

  /** @param spill the number of values the program passes between its methods */
  public RowScratch(int spill) {
    this.spill = new double[spill];
  }
}
