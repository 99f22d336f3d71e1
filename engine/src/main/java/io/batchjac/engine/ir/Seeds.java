package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;

/**
 * Identity seeds for Jacobians by blocks of directions: block {@code [k0, k0+K)} of the identity
 * of size {@code total}, restricted to the part {@code [offset, offset+size)} that belongs to one
 * leaf (input or output). The seed is a constant of shape {@code [K] + leafShape}; it is
 * sample-independent, so the executor folds it (e.g. {@code I @ W^T = W^T}) and stores it once.
 */
public final class Seeds {
  private Seeds() {}

  /** The seed constant, or null when the block does not touch this leaf (a zero seed). */
  public static Node identityBlock(GraphBuilder b, int k0, int k, int offset, Shape leafShape) {
    int size = leafShape.size();
    if (k0 + k <= offset || k0 >= offset + size) {
      return null;
    }
    double[] d = new double[k * size];
    for (int r = 0; r < k; r++) {
      int j = k0 + r - offset;
      if (j >= 0 && j < size) {
        d[r * size + j] = 1.0;
      }
    }
    return b.constant(Tensor.of(leafShape.prepend(k), d));
  }
}
