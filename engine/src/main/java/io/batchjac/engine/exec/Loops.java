package io.batchjac.engine.exec;

import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.MoreMath;
import io.batchjac.engine.ir.Unary;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * Flat elementwise loops over contiguous runs. The common operations get a loop of their own
 * (the switch sits outside the loop, so the JIT compiles a tight, vectorizable body); the rest
 * call the primitive's scalar definition.
 */
final class Loops {
  private Loops() {}

  static final int GENERIC = 0;
  static final int ADD = 1;
  static final int SUB = 2;
  static final int MUL = 3;
  static final int DIV = 4;
  static final int ZMUL = 5;

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
    return GENERIC;
  }

  /** {@code o[oo+i] = a[ao+i] op b[bo+i]} for i < n. */
  static void vv(int code, DoubleBinaryOperator fn, double[] a, int ao, double[] b, int bo, double[] o, int oo, int n) {
    switch (code) {
      case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + b[bo + i]; }
      case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - b[bo + i]; }
      case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] * b[bo + i]; }
      case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] / b[bo + i]; }
      case ZMUL -> { for (int i = 0; i < n; i++) { double x = a[ao + i]; o[oo + i] = x == 0 ? 0 : x * b[bo + i]; } }
      default -> { for (int i = 0; i < n; i++) o[oo + i] = fn.applyAsDouble(a[ao + i], b[bo + i]); }
    }
  }

  /**
   * A full operand times a repeating one: {@code o[oo+r*p+i] = a[ao+r*p+i] op b[bo+i]} for
   * {@code r < reps, i < p} (e.g. a tangent of K directions times a per-sample partial).
   */
  static void vRepeat(int code, DoubleBinaryOperator fn, double[] a, int ao, double[] b, int bo,
      double[] o, int oo, int p, int reps) {
    if (code == MUL) {
      for (int r = 0; r < reps; r++) {
        int base = r * p;
        for (int i = 0; i < p; i++) o[oo + base + i] = a[ao + base + i] * b[bo + i];
      }
    } else if (code == ADD) {
      for (int r = 0; r < reps; r++) {
        int base = r * p;
        for (int i = 0; i < p; i++) o[oo + base + i] = a[ao + base + i] + b[bo + i];
      }
    } else {
      for (int r = 0; r < reps; r++) {
        vv(code, fn, a, ao + r * p, b, bo, o, oo + r * p, p);
      }
    }
  }

  /** {@code o[oo+i] = a[ao+i] op s} for i < n. */
  static void vs(int code, DoubleBinaryOperator fn, double[] a, int ao, double s, double[] o, int oo, int n) {
    switch (code) {
      case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] + s; }
      case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] - s; }
      case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] * s; }
      case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = a[ao + i] / s; }
      case ZMUL -> { for (int i = 0; i < n; i++) { double x = a[ao + i]; o[oo + i] = x == 0 ? 0 : x * s; } }
      default -> { for (int i = 0; i < n; i++) o[oo + i] = fn.applyAsDouble(a[ao + i], s); }
    }
  }

  /** {@code o[oo+i] = s op b[bo+i]} for i < n. */
  static void sv(int code, DoubleBinaryOperator fn, double s, double[] b, int bo, double[] o, int oo, int n) {
    switch (code) {
      case ADD -> { for (int i = 0; i < n; i++) o[oo + i] = s + b[bo + i]; }
      case SUB -> { for (int i = 0; i < n; i++) o[oo + i] = s - b[bo + i]; }
      case MUL -> { for (int i = 0; i < n; i++) o[oo + i] = s * b[bo + i]; }
      case DIV -> { for (int i = 0; i < n; i++) o[oo + i] = s / b[bo + i]; }
      case ZMUL -> { if (s == 0) { java.util.Arrays.fill(o, oo, oo + n, 0.0); } else { for (int i = 0; i < n; i++) o[oo + i] = s * b[bo + i]; } }
      default -> { for (int i = 0; i < n; i++) o[oo + i] = fn.applyAsDouble(s, b[bo + i]); }
    }
  }

  /** {@code o[oo+i] = f(x[xo+i])} for i < n. */
  static void unary(Unary op, double[] x, int xo, double[] o, int oo, int n) {
    if (op == Elementwise.NEG) {
      for (int i = 0; i < n; i++) o[oo + i] = -x[xo + i];
    } else if (op == Elementwise.TANH) {
      for (int i = 0; i < n; i++) o[oo + i] = MoreMath.tanh(x[xo + i]);
    } else if (op == Elementwise.EXP) {
      for (int i = 0; i < n; i++) o[oo + i] = Math.exp(x[xo + i]);
    } else if (op == Elementwise.LOG) {
      for (int i = 0; i < n; i++) o[oo + i] = Math.log(x[xo + i]);
    } else if (op == Elementwise.SQRT) {
      for (int i = 0; i < n; i++) o[oo + i] = Math.sqrt(x[xo + i]);
    } else {
      DoubleUnaryOperator fn = op.fn();
      for (int i = 0; i < n; i++) o[oo + i] = fn.applyAsDouble(x[xo + i]);
    }
  }

  /** {@code o[oo+i] = x[xo+i] ^ c} for i < n, multiplying for the common exponents. */
  static void powConst(double c, double[] x, int xo, double[] o, int oo, int n) {
    if (c == 2) {
      for (int i = 0; i < n; i++) { double v = x[xo + i]; o[oo + i] = v * v; }
    } else if (c == 3) {
      for (int i = 0; i < n; i++) { double v = x[xo + i]; o[oo + i] = v * v * v; }
    } else if (c == -1) {
      for (int i = 0; i < n; i++) o[oo + i] = 1 / x[xo + i];
    } else if (c == -2) {
      for (int i = 0; i < n; i++) { double v = x[xo + i]; o[oo + i] = 1 / (v * v); }
    } else if (c == 0.5) {
      for (int i = 0; i < n; i++) o[oo + i] = Math.sqrt(x[xo + i]);
    } else if (c == -0.5) {
      for (int i = 0; i < n; i++) o[oo + i] = 1 / Math.sqrt(x[xo + i]);
    } else if (c == 0) {
      for (int i = 0; i < n; i++) o[oo + i] = 1;
    } else {
      for (int i = 0; i < n; i++) o[oo + i] = Math.pow(x[xo + i], c);
    }
  }
}
