package io.batchjac.engine.exec;

/**
 * {@code out[i] = in[map[i]]} per sample (0 where {@code map[i] < 0}): transpose, broadcast,
 * slice and pad are all this kernel with different index maps.
 */
final class GatherStep extends Step {
  private final Operand in;
  private final Operand out;
  private final int[] map;

  GatherStep(Operand in, Operand out, int[] map) {
    super(in);
    this.in = in;
    this.out = out;
    this.map = map;
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
      for (int i = 0; i < n; i++) {
        int m = map[i];
        dst[po + i] = m < 0 ? 0.0 : src[pi + m];
      }
    }
  }
}
