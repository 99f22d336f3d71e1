package io.batchjac.engine.exec;

/**
 * {@code out[i] = in[map[i]]} per sample (0 where {@code map[i] < 0}): transpose, broadcast,
 * slice and pad are all this kernel with different index maps.
 */
final class GatherStep extends Step {
  private final Operand in;
  private final Operand out;
  private final int[] map;
  /** True when every output element copies an input element (transposes, broadcasts, slices). */
  private final boolean copiesOnly;

  GatherStep(Operand in, Operand out, int[] map) {
    super(in);
    this.in = in;
    this.out = out;
    this.map = map;
    boolean all = true;
    for (int m : map) {
      all &= m >= 0;
    }
    this.copiesOnly = all;
  }

  Operand in() {
    return in;
  }

  Operand out() {
    return out;
  }

  /** Per output element, the input element it copies, or -1 for a zero. */
  int[] map() {
    return map.clone();
  }

  /** Per-sample sizes up to this are copied element by element across the chunk (see {@link #run}). */
  private static final int SMALL = 8;

  @Override
  void run(Frame f, int c) {
    double[] src = f.buf[in.slot()];
    double[] dst = f.buf[out.slot()];
    int n = out.size();
    int samples = out.batched() ? c : 1;
    if (n <= SMALL) {
      // Small values (slicing a scalar out of an input, padding it back into a gradient): one
      // strided loop per output element over the whole chunk, instead of a short loop per sample
      // whose set-up cost more than its copies (JFR profile of the Ishigami Jacobian).
      int pi = f.off[in.slot()];
      int po = f.off[out.slot()];
      int stride = in.stride();
      for (int i = 0; i < n; i++) {
        int m = map[i];
        if (m < 0) {
          for (int s = 0; s < samples; s++) {
            dst[po + s * n + i] = 0.0;
          }
        } else {
          for (int s = 0; s < samples; s++) {
            dst[po + s * n + i] = src[pi + s * stride + m];
          }
        }
      }
      return;
    }
    for (int s = 0; s < samples; s++) {
      int pi = f.off[in.slot()] + s * in.stride();
      int po = f.off[out.slot()] + s * n;
      if (copiesOnly) { // no zero test per element: the loop C2 unrolls best (a transpose at the end of every Jacobian)
        for (int i = 0; i < n; i++) {
          dst[po + i] = src[pi + map[i]];
        }
      } else {
        for (int i = 0; i < n; i++) {
          int m = map[i];
          dst[po + i] = m < 0 ? 0.0 : src[pi + m];
        }
      }
    }
  }
}
