package io.batchjac.engine.exec;

/**
 * Concatenation along an axis: per sample and per index of the axes before it, each operand
 * contributes one contiguous run ({@code inner[j]} values), in operand order. Copied operand by
 * operand across the chunk's samples, so that short runs (the one-value pieces reverse mode
 * joins) cost a strided loop rather than a call per sample. With {@code plusZero} (see
 * {@link io.batchjac.engine.ir.Concat}) every value is copied as {@code v + 0.0}.
 */
final class ConcatStep extends Step {
  private final Operand[] ins;
  private final Operand out;
  private final int outer;
  private final int[] inner;
  private final boolean plusZero;

  ConcatStep(Operand[] ins, Operand out, int outer, int[] inner, boolean plusZero) {
    super(ins);
    this.ins = ins;
    this.out = out;
    this.outer = outer;
    this.inner = inner;
    this.plusZero = plusZero;
  }

  Operand[] ins() {
    return ins.clone();
  }

  Operand out() {
    return out;
  }

  /** The number of indices of the axes before the concatenation axis. */
  int outer() {
    return outer;
  }

  /** Per operand, its run per outer index. */
  int[] inner() {
    return inner.clone();
  }

  /**
   * True when {@link #run} copies operand j's runs as they are (bitwise); otherwise each value is
   * {@code v + zero()}.
   */
  boolean copies(int j) {
    return inner[j] >= ARRAYCOPY_MIN && !plusZero;
  }

  /** What a value not copied as it is gets added: +0.0 ({@code plusZero}) or -0.0. */
  double zero() {
    return plusZero ? 0.0 : -0.0;
  }

  /** Runs at least this long are copied with {@link System#arraycopy}; shorter ones by a loop. */
  private static final int ARRAYCOPY_MIN = 16;

  @Override
  void run(Frame f, int c) {
    double[] dst = f.buf[out.slot()];
    int n = out.size();
    int samples = out.batched() ? c : 1;
    int row = n / Math.max(1, outer);
    double zero = plusZero ? 0.0 : -0.0; // x + -0.0 is x for every x, -0 included
    int col = 0;
    for (int j = 0; j < ins.length; j++) {
      Operand in = ins[j];
      int len = inner[j];
      double[] src = f.buf[in.slot()];
      int stride = in.stride();
      for (int o = 0; o < outer; o++) {
        int to = f.off[out.slot()] + o * row + col;
        int from = f.off[in.slot()] + o * len;
        if (len >= ARRAYCOPY_MIN && !plusZero) {
          for (int s = 0; s < samples; s++) {
            System.arraycopy(src, from + s * stride, dst, to + s * n, len);
          }
        } else if (len == 1) {
          for (int s = 0; s < samples; s++) {
            dst[to + s * n] = src[from + s * stride] + zero;
          }
        } else {
          for (int s = 0; s < samples; s++) {
            for (int t = 0; t < len; t++) {
              dst[to + s * n + t] = src[from + s * stride + t] + zero;
            }
          }
        }
      }
      col += len;
    }
  }
}
