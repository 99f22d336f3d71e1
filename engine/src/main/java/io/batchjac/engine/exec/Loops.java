package io.batchjac.engine.exec;

import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.Unary;
import io.batchjac.engine.math.VecMath;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Elementwise loops over contiguous runs, shaped for the JIT's vectorizer.
 *
 * <p>Java 17's C2 turns a loop into SIMD code only when all its array accesses share one index
 * expression ({@code o[i] = a[i] * b[i]}); with offsets that differ or that it cannot prove equal
 * ({@code o[oo + i] = a[ao + i] * b[bo + i]}, even when they are equal at run time) it keeps the
 * loop scalar, 3-4x slower (0.8 against 0.22 ns per product on this project's machine). So every
 * kernel has an <em>aligned</em> form over {@code [from, to)} with a single index, and the entry
 * points either call it directly (all offsets equal: the common case, since a chunk's buffers all
 * start at 0) or stage the operands through the thread's L1-sized {@link Tiles} at offset 0 and
 * copy the result out. Both routes do the same arithmetic on every element, so results are
 * bitwise identical whichever runs. The common operations get a loop of their own (the switch
 * sits outside the loop); the rest call the primitive's scalar definition.
 *
 * <p>The output never aliases an operand at another offset (the plan gives every step's output a
 * buffer of its own).
 */
final class Loops {
  private Loops() {}

  static final int GENERIC = 0;
  static final int ADD = 1;
  static final int SUB = 2;
  static final int MUL = 3;
  static final int DIV = 4;
  static final int ZMUL = 5;
  static final int ZDIV = 6;

  static int code(Binary op) {
    if (op == Elementwise.ADD) {
      return ADD;
    }
    if (op == Elementwise.SUB) {
      return SUB;
    }
    if (op == Elementwise.MUL) {
      return MUL;
    }
    if (op == Elementwise.DIV) {
      return DIV;
    }
    if (op == Elementwise.ZMUL) {
      return ZMUL;
    }
    if (op == Elementwise.ZDIV) {
      return ZDIV;
    }
    return GENERIC;
  }

  /**
   * Runs shorter than this (one row at a time, as SQL functions compute) are computed element by
   * element with the primitive's definition: cheaper than entering a vectorized loop.
   */
  static final int FEW = 8;

  /** One element of a binary primitive: its definition (the loops below do the same per element). */
  private static double apply(int code, DoubleBinaryOperator fn, double x, double y) {
    switch (code) {
      case ADD:
        return x + y;
      case SUB:
        return x - y;
      case MUL:
        return x * y;
      case DIV:
        return x / y;
      case ZMUL:
        return x == 0 ? 0 : x * y;
      case ZDIV:
        return x == 0 ? 0 : x / y;
      default:
        return fn.applyAsDouble(x, y);
    }
  }

  // ------------------------------------------------------------------ entry points (any offsets)

  /** {@code o[oo+i] = a[ao+i] op b[bo+i]} for i < n. */
  static void vv(int code, DoubleBinaryOperator fn, double[] a, int ao, double[] b, int bo, double[] o, int oo,
      int n, Tiles t) {
    if (n < FEW) {
      for (int i = 0; i < n; i++) {
        o[oo + i] = apply(code, fn, a[ao + i], b[bo + i]);
      }
      return;
    }
    if (ao == oo && bo == oo) {
      vvAligned(code, fn, a, b, o, oo, oo + n);
      return;
    }
    for (int s = 0; s < n; s += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - s);
      System.arraycopy(a, ao + s, t.a, 0, m);
      System.arraycopy(b, bo + s, t.b, 0, m);
      vvAligned(code, fn, t.a, t.b, t.o, 0, m);
      System.arraycopy(t.o, 0, o, oo + s, m);
    }
  }

  /**
   * A full operand with a repeating one: {@code o[oo+r*p+i] = a[ao+r*p+i] op b[bo+i]} for
   * {@code r < reps, i < p} (e.g. K cotangent rows times a per-sample partial). Staged: a tile
   * holds whole periods of b, repeated.
   */
  static void vRepeat(int code, DoubleBinaryOperator fn, double[] a, int ao, double[] b, int bo,
      double[] o, int oo, int p, int reps, Tiles t) {
    if (p > Tiles.SIZE / 2) {
      for (int r = 0; r < reps; r++) {
        vv(code, fn, a, ao + r * p, b, bo, o, oo + r * p, p, t);
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
      vvAligned(code, fn, t.a, t.b, t.o, 0, m);
      System.arraycopy(t.o, 0, o, oo + r0 * p, m);
    }
  }

  /** {@code o[oo+i] = a[ao+i] op s} for i < n. */
  static void vs(int code, DoubleBinaryOperator fn, double[] a, int ao, double s, double[] o, int oo, int n, Tiles t) {
    if (n < FEW) {
      for (int i = 0; i < n; i++) {
        o[oo + i] = apply(code, fn, a[ao + i], s);
      }
      return;
    }
    if (ao == oo) {
      vsAligned(code, fn, a, s, o, oo, oo + n);
      return;
    }
    for (int q = 0; q < n; q += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - q);
      System.arraycopy(a, ao + q, t.a, 0, m);
      vsAligned(code, fn, t.a, s, t.o, 0, m);
      System.arraycopy(t.o, 0, o, oo + q, m);
    }
  }

  /** {@code o[oo+i] = s op b[bo+i]} for i < n. */
  static void sv(int code, DoubleBinaryOperator fn, double s, double[] b, int bo, double[] o, int oo, int n, Tiles t) {
    if (n < FEW) {
      for (int i = 0; i < n; i++) {
        o[oo + i] = apply(code, fn, s, b[bo + i]);
      }
      return;
    }
    if (bo == oo) {
      svAligned(code, fn, s, b, o, oo, oo + n);
      return;
    }
    for (int q = 0; q < n; q += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - q);
      System.arraycopy(b, bo + q, t.b, 0, m);
      svAligned(code, fn, s, t.b, t.o, 0, m);
      System.arraycopy(t.o, 0, o, oo + q, m);
    }
  }

  /**
   * {@code o[oo+i] = f(x[xo+i])} for i < n. sin, cos and tanh always go through tiles (their
   * kernels, {@link VecMath}, keep intermediate values in the tile's scratch arrays).
   */
  static void unary(Unary op, double[] x, int xo, double[] o, int oo, int n, Tiles t) {
    int kernel = op == Elementwise.SIN ? 0 : op == Elementwise.COS ? 1 : op == Elementwise.TANH ? 2 : -1;
    if (kernel < 0 && n < FEW) {
      DoubleUnaryOperator fn = op.fn();
      for (int i = 0; i < n; i++) {
        o[oo + i] = fn.applyAsDouble(x[xo + i]);
      }
      return;
    }
    if (kernel < 0 && xo == oo) {
      unaryAligned(op, x, o, oo, oo + n);
      return;
    }
    for (int q = 0; q < n; q += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - q);
      System.arraycopy(x, xo + q, t.a, 0, m);
      switch (kernel) {
        case 0 -> VecMath.sin(t.a, t.o, m, t.scratch);
        case 1 -> VecMath.cos(t.a, t.o, m, t.scratch);
        case 2 -> VecMath.tanh(t.a, t.o, m, t.scratch);
        default -> unaryAligned(op, t.a, t.o, 0, m);
      }
      System.arraycopy(t.o, 0, o, oo + q, m);
    }
  }

  /** {@code o[oo+i] = x[xo+i] ^ c} for i < n. */
  static void powConst(double c, double[] x, int xo, double[] o, int oo, int n, Tiles t) {
    if (xo == oo) {
      powConstAligned(c, x, o, oo, oo + n);
      return;
    }
    for (int q = 0; q < n; q += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - q);
      System.arraycopy(x, xo + q, t.a, 0, m);
      powConstAligned(c, t.a, t.o, 0, m);
      System.arraycopy(t.o, 0, o, oo + q, m);
    }
  }

  // ------------------------------------------------------------------ aligned kernels (one index)

  private static void vvAligned(int code, DoubleBinaryOperator fn, double[] a, double[] b, double[] o, int from, int to) {
    switch (code) {
      case ADD -> { for (int i = from; i < to; i++) o[i] = a[i] + b[i]; }
      case SUB -> { for (int i = from; i < to; i++) o[i] = a[i] - b[i]; }
      case MUL -> { for (int i = from; i < to; i++) o[i] = a[i] * b[i]; }
      case DIV -> { for (int i = from; i < to; i++) o[i] = a[i] / b[i]; }
      case ZMUL -> {
        double smallest = Double.POSITIVE_INFINITY;
        for (int i = from; i < to; i++) {
          double x = a[i];
          o[i] = x * b[i];
          smallest = Math.min(smallest, Math.abs(x));
        }
        if (!(smallest > 0)) {
          zeroWhereZero(a, o, from, to);
        }
      }
      case ZDIV -> {
        double smallest = Double.POSITIVE_INFINITY;
        for (int i = from; i < to; i++) {
          double x = a[i];
          o[i] = x / b[i];
          smallest = Math.min(smallest, Math.abs(x));
        }
        if (!(smallest > 0)) {
          zeroWhereZero(a, o, from, to);
        }
      }
      default -> { for (int i = from; i < to; i++) o[i] = fn.applyAsDouble(a[i], b[i]); }
    }
  }

  private static void vsAligned(int code, DoubleBinaryOperator fn, double[] a, double s, double[] o, int from, int to) {
    switch (code) {
      case ADD -> { for (int i = from; i < to; i++) o[i] = a[i] + s; }
      case SUB -> { for (int i = from; i < to; i++) o[i] = a[i] - s; }
      case MUL -> { for (int i = from; i < to; i++) o[i] = a[i] * s; }
      case DIV -> { for (int i = from; i < to; i++) o[i] = a[i] / s; }
      case ZMUL -> {
        double smallest = Double.POSITIVE_INFINITY;
        for (int i = from; i < to; i++) {
          double x = a[i];
          o[i] = x * s;
          smallest = Math.min(smallest, Math.abs(x));
        }
        if (!(smallest > 0)) {
          zeroWhereZero(a, o, from, to);
        }
      }
      case ZDIV -> {
        double smallest = Double.POSITIVE_INFINITY;
        for (int i = from; i < to; i++) {
          double x = a[i];
          o[i] = x / s;
          smallest = Math.min(smallest, Math.abs(x));
        }
        if (!(smallest > 0)) {
          zeroWhereZero(a, o, from, to);
        }
      }
      default -> { for (int i = from; i < to; i++) o[i] = fn.applyAsDouble(a[i], s); }
    }
  }

  private static void svAligned(int code, DoubleBinaryOperator fn, double s, double[] b, double[] o, int from, int to) {
    switch (code) {
      case ADD -> { for (int i = from; i < to; i++) o[i] = s + b[i]; }
      case SUB -> { for (int i = from; i < to; i++) o[i] = s - b[i]; }
      case MUL -> { for (int i = from; i < to; i++) o[i] = s * b[i]; }
      case DIV -> { for (int i = from; i < to; i++) o[i] = s / b[i]; }
      case ZMUL -> {
        if (s == 0) {
          java.util.Arrays.fill(o, from, to, 0.0);
        } else {
          for (int i = from; i < to; i++) o[i] = s * b[i];
        }
      }
      case ZDIV -> {
        if (s == 0) {
          java.util.Arrays.fill(o, from, to, 0.0);
        } else {
          for (int i = from; i < to; i++) o[i] = s / b[i];
        }
      }
      default -> { for (int i = from; i < to; i++) o[i] = fn.applyAsDouble(s, b[i]); }
    }
  }

  /**
   * The second pass of {@code zmul(x, y) = x == 0 ? 0 : x * y} (and of {@code zdiv}), run only
   * when the first (the products and the smallest |x|, one vectorized loop) met a zero or NaN x:
   * gives the elements whose x is zero their exact +0 (the product would be -0, or NaN for an
   * infinite y; the quotient NaN for a zero y).
   */
  private static void zeroWhereZero(double[] a, double[] o, int from, int to) {
    for (int i = from; i < to; i++) {
      if (a[i] == 0) {
        o[i] = 0;
      }
    }
  }

  private static void unaryAligned(Unary op, double[] x, double[] o, int from, int to) {
    if (op == Elementwise.NEG) {
      for (int i = from; i < to; i++) o[i] = -x[i];
    } else if (op == Elementwise.EXP) {
      for (int i = from; i < to; i++) o[i] = Math.exp(x[i]);
    } else if (op == Elementwise.LOG) {
      for (int i = from; i < to; i++) o[i] = Math.log(x[i]);
    } else if (op == Elementwise.SQRT) {
      for (int i = from; i < to; i++) o[i] = Math.sqrt(x[i]);
    } else if (op == Elementwise.ABS) {
      for (int i = from; i < to; i++) o[i] = Math.abs(x[i]);
    } else {
      DoubleUnaryOperator fn = op.fn();
      for (int i = from; i < to; i++) o[i] = fn.applyAsDouble(x[i]);
    }
  }

  /**
   * {@code x ^ c}: multiplications for integer exponents up to 8 in magnitude (x^4 = (x^2)^2,
   * a reciprocal after for negative ones), sqrt for +-0.5, {@link Math#pow} otherwise.
   */
  private static void powConstAligned(double c, double[] x, double[] o, int from, int to) {
    if (c == 0) {
      java.util.Arrays.fill(o, from, to, 1.0);
    } else if (c == 1) {
      System.arraycopy(x, from, o, from, to - from);
    } else if (c == 2) {
      for (int i = from; i < to; i++) { double v = x[i]; o[i] = v * v; }
    } else if (c == 3) {
      for (int i = from; i < to; i++) { double v = x[i]; o[i] = v * v * v; }
    } else if (c == 4) {
      for (int i = from; i < to; i++) { double v = x[i]; double v2 = v * v; o[i] = v2 * v2; }
    } else if (c == -1) {
      for (int i = from; i < to; i++) o[i] = 1 / x[i];
    } else if (c == -2) {
      for (int i = from; i < to; i++) { double v = x[i]; o[i] = 1 / (v * v); }
    } else if (c == 0.5) {
      for (int i = from; i < to; i++) o[i] = Math.sqrt(x[i]);
    } else if (c == -0.5) {
      for (int i = from; i < to; i++) o[i] = 1 / Math.sqrt(x[i]);
    } else if (c == Math.rint(c) && Math.abs(c) <= 8) {
      for (int i = from; i < to; i++) o[i] = intPower(x[i], c);
    } else {
      for (int i = from; i < to; i++) o[i] = Math.pow(x[i], c);
    }
  }

  /** x^c for an integer c, 0 < |c| <= 8, by squaring (a reciprocal at the end when c < 0). */
  static double intPower(double x, double c) {
    int e = (int) Math.abs(c);
    double result = 1;
    double base = x;
    while (e > 0) {
      if ((e & 1) != 0) {
        result *= base;
      }
      e >>= 1;
      if (e > 0) {
        base *= base;
      }
    }
    return c < 0 ? 1 / result : result;
  }
}
