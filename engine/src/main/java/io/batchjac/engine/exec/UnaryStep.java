package io.batchjac.engine.exec;

import io.batchjac.engine.ir.PowConst;
import io.batchjac.engine.ir.Unary;

/** An elementwise unary primitive (or {@code x^c}) over all values of the chunk in one flat loop. */
final class UnaryStep extends Step {
  private final Unary op;
  private final double exponent;
  private final Operand x;
  private final Operand out;

  UnaryStep(Unary op, Operand x, Operand out) {
    super(x);
    this.op = op;
    this.exponent = Double.NaN;
    this.x = x;
    this.out = out;
  }

  UnaryStep(PowConst p, Operand x, Operand out) {
    super(x);
    this.op = null;
    this.exponent = p.exponent();
    this.x = x;
    this.out = out;
  }

  @Override
  void run(Frame f, int c) {
    int n = out.batched() ? c * out.size() : out.size();
    if (op != null) {
      Loops.unary(op, f.buf[x.slot()], f.off[x.slot()], f.buf[out.slot()], f.off[out.slot()], n, f.tiles);
    } else {
      Loops.powConst(exponent, f.buf[x.slot()], f.off[x.slot()], f.buf[out.slot()], f.off[out.slot()], n, f.tiles);
    }
  }
}
