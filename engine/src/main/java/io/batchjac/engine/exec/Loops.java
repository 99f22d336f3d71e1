package io.batchjac.engine.exec;

import io.batchjac.engine.codegen.ElementKernel;

/**
 * Elementwise loops over contiguous runs at any offsets, calling a primitive's generated
 * {@link ElementKernel} (see {@link io.batchjac.engine.codegen.Kernels}; its loops are written
 * from the primitive's definition in the table, not here).
 *
 * <p>Java 17's C2 turns a loop into SIMD code only when all its array accesses share one index
 * expression ({@code o[i] = a[i] * b[i]}); with offsets that differ or that it cannot prove equal
 * ({@code o[oo + i] = a[ao + i] * b[bo + i]}, even when they are equal at run time) it keeps the
 * loop scalar, 3-4x slower (0.8 against 0.22 ns per product on this project's machine). So every
 * kernel loops over {@code [from, to)} with a single index, and the entry points here either call
 * it directly (all offsets equal: the common case, since a chunk's buffers all start at 0) or
 * stage the operands through the thread's L1-sized {@link Tiles} at offset 0 and copy the result
 * out. Both routes do the same arithmetic on every element, so results are bitwise identical
 * whichever runs. Kernels with a tile kernel (sin, cos, tanh, exp, sigmoid, log) always run on tiles.
 *
 * <p>The output never aliases an operand at another offset (the plan gives every step's output a
 * buffer of its own).
 */
final class Loops {
  private Loops() {}

  /**
   * Runs shorter than this (one row at a time, as SQL functions compute) are computed element by
   * element with the primitive's scalar function: cheaper than entering a vectorized loop.
   */
  static final int FEW = 8;

  /** {@code o[oo+i] = a[ao+i] op b[bo+i]} for i < n. */
  static void vv(ElementKernel k, double[] a, int ao, double[] b, int bo, double[] o, int oo, int n, Tiles t) {
    if (n < FEW) {
      for (int i = 0; i < n; i++) {
        o[oo + i] = k.applyAsDouble(a[ao + i], b[bo + i]);
      }
      return;
    }
    if (ao == oo && bo == oo) {
      k.vv(a, b, o, oo, oo + n);
      return;
    }
    for (int s = 0; s < n; s += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - s);
      System.arraycopy(a, ao + s, t.a, 0, m);
      System.arraycopy(b, bo + s, t.b, 0, m);
      k.vv(t.a, t.b, t.o, 0, m);
      System.arraycopy(t.o, 0, o, oo + s, m);
    }
  }

  /**
   * A full operand with a repeating one: {@code o[oo+r*p+i] = a[ao+r*p+i] op b[bo+i]} for
   * {@code r < reps, i < p} (e.g. K cotangent rows times a per-sample partial). Staged: a tile
   * holds whole periods of b, repeated.
   */
  static void vRepeat(ElementKernel k, double[] a, int ao, double[] b, int bo, double[] o, int oo, int p, int reps,
      Tiles t) {
    if (p > Tiles.SIZE / 2) {
      for (int r = 0; r < reps; r++) {
        vv(k, a, ao + r * p, b, bo, o, oo + r * p, p, t);
      }
      return;
    }
    int periods = Tiles.SIZE / p;
    for (int r = 0; r < Math.min(periods, reps); r++) {
      System.arraycopy(b, bo, t.b, r * p, p);
    }
    for (int r0 = 0; r0 < reps; r0 += periods) {
      int m = Math.min(periods, reps - r0) * p;
      System.arraycopy(a, ao + r0 * p, t.a, 0, m);
      k.vv(t.a, t.b, t.o, 0, m);
      System.arraycopy(t.o, 0, o, oo + r0 * p, m);
    }
  }

  /** {@code o[oo+i] = a[ao+i] op s} for i < n. */
  static void vs(ElementKernel k, double[] a, int ao, double s, double[] o, int oo, int n, Tiles t) {
    if (n < FEW) {
      for (int i = 0; i < n; i++) {
        o[oo + i] = k.applyAsDouble(a[ao + i], s);
      }
      return;
    }
    if (ao == oo) {
      k.vs(a, s, o, oo, oo + n);
      return;
    }
    for (int q = 0; q < n; q += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - q);
      System.arraycopy(a, ao + q, t.a, 0, m);
      k.vs(t.a, s, t.o, 0, m);
      System.arraycopy(t.o, 0, o, oo + q, m);
    }
  }

  /** {@code o[oo+i] = s op b[bo+i]} for i < n. */
  static void sv(ElementKernel k, double s, double[] b, int bo, double[] o, int oo, int n, Tiles t) {
    if (n < FEW) {
      for (int i = 0; i < n; i++) {
        o[oo + i] = k.applyAsDouble(s, b[bo + i]);
      }
      return;
    }
    if (bo == oo) {
      k.sv(s, b, o, oo, oo + n);
      return;
    }
    for (int q = 0; q < n; q += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - q);
      System.arraycopy(b, bo + q, t.b, 0, m);
      k.sv(s, t.b, t.o, 0, m);
      System.arraycopy(t.o, 0, o, oo + q, m);
    }
  }

  /**
   * {@code o[oo+i] = f(x[xo+i])} for i < n (a unary primitive or a constant power). A kernel with
   * a tile kernel (sin, cos, tanh, exp, sigmoid, log: {@link io.batchjac.engine.math.VecMath}, which keeps
   * intermediate values in the tile's scratch arrays) always goes through tiles.
   */
  static void unary(ElementKernel k, double[] x, int xo, double[] o, int oo, int n, Tiles t) {
    boolean tiled = k.tiled();
    if (!tiled && n < FEW) {
      for (int i = 0; i < n; i++) {
        o[oo + i] = k.applyAsDouble(x[xo + i]);
      }
      return;
    }
    if (!tiled && xo == oo) {
      k.map(x, o, oo, oo + n, null);
      return;
    }
    for (int q = 0; q < n; q += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - q);
      System.arraycopy(x, xo + q, t.a, 0, m);
      k.map(t.a, t.o, 0, m, t.scratch);
      System.arraycopy(t.o, 0, o, oo + q, m);
    }
  }
}
