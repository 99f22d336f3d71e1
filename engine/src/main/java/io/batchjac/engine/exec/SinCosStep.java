package io.batchjac.engine.exec;

import io.batchjac.engine.math.VecMath;

/**
 * sin and cos of one batched value in one pass ({@link VecMath#sinCos}): the plan fuses a
 * {@code sin x} and a {@code cos x} of the same operand (a function's value and its derivative)
 * into this step, which shares their reduction by pi/2. Bitwise the values of the two steps.
 */
final class SinCosStep extends Step {
  private final Operand x;
  private final Operand sin;
  private final Operand cos;

  SinCosStep(Operand x, Operand sin, Operand cos) {
    super(x);
    this.x = x;
    this.sin = sin;
    this.cos = cos;
  }

  /** The operand, the sine's and the cosine's outputs. */
  Operand[] operands() {
    return new Operand[] {x, sin, cos};
  }

  @Override
  void run(Frame f, int c) {
    int n = c * sin.size();
    double[] xb = f.buf[x.slot()];
    double[] sb = f.buf[sin.slot()];
    double[] cb = f.buf[cos.slot()];
    int xo = f.off[x.slot()];
    int so = f.off[sin.slot()];
    int co = f.off[cos.slot()];
    Tiles t = f.tiles;
    for (int q = 0; q < n; q += Tiles.SIZE) {
      int m = Math.min(Tiles.SIZE, n - q);
      System.arraycopy(xb, xo + q, t.a, 0, m);
      VecMath.sinCos(t.a, t.o, t.b, m, t.scratch);
      System.arraycopy(t.o, 0, sb, so + q, m);
      System.arraycopy(t.b, 0, cb, co + q, m);
    }
  }
}
