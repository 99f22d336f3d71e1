package io.batchjac.engine.codegen;

/**
 * Generated straight-line code computing ONE sample of a compiled plan (see the engine's
 * {@code exec/RowCode}): per-sample values in local variables, sample-independent values as
 * literals. Layouts: the sample's inputs are read at fixed offsets from {@code xo} in {@code x}
 * (the function's inputs) or from {@code eo} in {@code e} (the tangent or cotangent), its results
 * written at fixed offsets from {@code oo} in {@code out}; values that are identically zero are
 * not written.
 */
public abstract class RowKernel {
  /** Computes one sample. */
  public abstract void row(double[] x, int xo, double[] e, int eo, double[] out, int oo, RowScratch w);

  /**
   * Computes samples {@code [from, to)}: sample s reads {@code x} at {@code s * xw}, {@code e} at
   * {@code s * ew} and writes {@code out} at {@code s * ow} (each then at the row's fixed offsets).
   */
  public abstract void rows(double[] x, int xw, double[] e, int ew, double[] out, int ow, int from, int to,
      RowScratch w);
}
