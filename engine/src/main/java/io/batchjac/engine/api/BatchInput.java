package io.batchjac.engine.api;

import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;

/**
 * A validated batch of per-sample vectors: B samples of {@code width} values each, sample b at
 * {@code data[b * width ...]}. Accepts C-order {@code (B, width)} (NumPy's rows-are-samples),
 * Fortran-order {@code (width, B)} (batch last; the same memory), and C-order {@code (B,)} when
 * {@code width} is 1. Anything else is an {@link IllegalArgumentException} that names the
 * argument and both shapes.
 */
record BatchInput(double[] data, int batch, int width) {
  static BatchInput of(String what, Tensor t, int width) {
    Shape s = t.shape();
    if (s.rank() == 2 && t.order() == Tensor.Order.C && s.dim(1) == width) {
      return new BatchInput(t.data(), s.dim(0), width);
    }
    if (s.rank() == 2 && t.order() == Tensor.Order.F && s.dim(0) == width) {
      return new BatchInput(t.data(), s.dim(1), width);
    }
    if (s.rank() == 2 && t.order() == Tensor.Order.F && s.dim(1) == width) {
      return new BatchInput(t.toC().data(), s.dim(0), width);
    }
    if (s.rank() == 1 && width == 1) {
      return new BatchInput(t.data(), s.dim(0), 1);
    }
    throw new IllegalArgumentException(what + " has shape " + s + (t.order() == Tensor.Order.F ? " (Fortran order)" : "")
        + ": expected [B, " + width + "] (C order, one row per sample) or [" + width
        + ", B] (Fortran order), since each sample has " + width + " values");
  }

  /** Checks that another batch argument has the same number of samples as this one. */
  BatchInput sameBatchAs(String what, BatchInput x) {
    if (batch != x.batch) {
      throw new IllegalArgumentException(what + " has " + batch + " samples but x has " + x.batch);
    }
    return this;
  }
}
