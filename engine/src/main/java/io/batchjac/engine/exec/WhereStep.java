package io.batchjac.engine.exec;

import io.batchjac.engine.tensor.Shape;

/** {@code where(c, a, b)} with broadcasting, through per-sample index maps (not a hot path). */
final class WhereStep extends Step {
  private final Operand cond;
  private final Operand a;
  private final Operand b;
  private final Operand out;
  private final int[] mc;
  private final int[] ma;
  private final int[] mb;

  WhereStep(Operand cond, Shape sc, Operand a, Shape sa, Operand b, Shape sb, Operand out, Shape so) {
    super(cond, a, b);
    this.cond = cond;
    this.a = a;
    this.b = b;
    this.out = out;
    this.mc = IndexMaps.broadcast(sc, so);
    this.ma = IndexMaps.broadcast(sa, so);
    this.mb = IndexMaps.broadcast(sb, so);
  }

  /** The condition, the value where it is nonzero, the value where it is zero, the result. */
  Operand[] operands() {
    return new Operand[] {cond, a, b, out};
  }

  /** Per output element, the element read from the condition, a and b (broadcast maps). */
  int[][] maps() {
    return new int[][] {mc, ma, mb};
  }

  @Override
  void run(Frame f, int c) {
    double[] cb = f.buf[cond.slot()];
    double[] ab = f.buf[a.slot()];
    double[] bb = f.buf[b.slot()];
    double[] ob = f.buf[out.slot()];
    int n = out.size();
    int samples = out.batched() ? c : 1;
    for (int s = 0; s < samples; s++) {
      int pc = f.off[cond.slot()] + s * cond.stride();
      int pa = f.off[a.slot()] + s * a.stride();
      int pb = f.off[b.slot()] + s * b.stride();
      int po = f.off[out.slot()] + s * n;
      for (int i = 0; i < n; i++) {
        ob[po + i] = cb[pc + mc[i]] != 0 ? ab[pa + ma[i]] : bb[pb + mb[i]];
      }
    }
  }
}
