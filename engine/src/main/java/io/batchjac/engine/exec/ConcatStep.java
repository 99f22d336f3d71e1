package io.batchjac.engine.exec;

/**
 * Concatenation along an axis: per sample and per index of the axes before it, each operand
 * contributes one contiguous run ({@code inner[j]} values), copied in operand order.
 */
final class ConcatStep extends Step {
  private final Operand[] ins;
  private final Operand out;
  private final int outer;
  private final int[] inner;

  ConcatStep(Operand[] ins, Operand out, int outer, int[] inner) {
    super(ins);
    this.ins = ins;
    this.out = out;
    this.outer = outer;
    this.inner = inner;
  }

  @Override
  void run(Frame f, int c) {
    double[] dst = f.buf[out.slot()];
    int n = out.size();
    int samples = out.batched() ? c : 1;
    for (int s = 0; s < samples; s++) {
      int po = f.off[out.slot()] + s * n;
      for (int o = 0; o < outer; o++) {
        for (int j = 0; j < ins.length; j++) {
          Operand in = ins[j];
          int len = inner[j];
          System.arraycopy(f.buf[in.slot()], f.off[in.slot()] + s * in.stride() + o * len, dst, po, len);
          po += len;
        }
      }
    }
  }
}
