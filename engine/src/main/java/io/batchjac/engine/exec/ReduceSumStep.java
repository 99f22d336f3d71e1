package io.batchjac.engine.exec;

/**
 * Sum over axes per sample: {@code out[map[i]] += in[i]}, in increasing {@code i} (a fixed
 * order, so results do not depend on the chunking). Summing trailing axes is a run-sum fast path.
 */
final class ReduceSumStep extends Step {
  private final Operand in;
  private final Operand out;
  private final int[] map;
  private final int run;

  ReduceSumStep(Operand in, Operand out, int[] map) {
    super(in);
    this.in = in;
    this.out = out;
    this.map = map;
    this.run = trailingRun(map, out.size());
  }

  Operand in() {
    return in;
  }

  Operand out() {
    return out;
  }

  /**
   * Per input element, the output element it is summed into. Each output element is
   * {@code ((0.0 + in[i0]) + in[i1]) + ...} over the input elements mapped to it, in increasing
   * index (both routes of {@link #run}).
   */
  int[] map() {
    return map.clone();
  }

  /** The run length r when {@code map[i] == i / r} (the summed axes are the trailing ones), else 0. */
  private static int trailingRun(int[] map, int outSize) {
    if (outSize == 0 || map.length % outSize != 0) {
      return 0;
    }
    int r = map.length / outSize;
    for (int i = 0; i < map.length; i++) {
      if (map[i] != i / r) {
        return 0;
      }
    }
    return r;
  }

  @Override
  void run(Frame f, int c) {
    double[] src = f.buf[in.slot()];
    double[] dst = f.buf[out.slot()];
    int n = out.size();
    int samples = out.batched() ? c : 1;
    for (int s = 0; s < samples; s++) {
      int pi = f.off[in.slot()] + s * in.stride();
      int po = f.off[out.slot()] + s * n;
      if (run > 0) {
        for (int j = 0; j < n; j++) {
          double acc = 0;
          int base = pi + j * run;
          for (int k = 0; k < run; k++) {
            acc += src[base + k];
          }
          dst[po + j] = acc;
        }
      } else {
        java.util.Arrays.fill(dst, po, po + n, 0.0);
        for (int i = 0; i < map.length; i++) {
          dst[po + map[i]] += src[pi + i];
        }
      }
    }
  }
}
