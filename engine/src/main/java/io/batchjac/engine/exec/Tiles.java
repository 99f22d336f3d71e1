package io.batchjac.engine.exec;

import io.batchjac.engine.math.VecMath;

/**
 * A thread's L1-sized scratch arrays ({@link #SIZE} doubles each, 24 KiB in all), where
 * {@link Loops} stages operands whose offsets differ and {@link VecMath} keeps the intermediate
 * values of its multi-pass kernels ({@link #scratch}). Every array is used from index 0, so the loops over them
 * index all arrays alike: what lets the JIT vectorize them (see {@link Loops}).
 */
final class Tiles {
  /** Values per tile. */
  static final int SIZE = 512;

  final double[] a;
  final double[] b;
  final double[] o;
  /** {@link VecMath#SCRATCH_ARRAYS} more tiles for the kernels' intermediate values. */
  final double[][] scratch = new double[VecMath.SCRATCH_ARRAYS][SIZE];

  Tiles() {
    a = new double[SIZE];
    b = new double[SIZE];
    o = new double[SIZE];
  }
}
