package io.batchjac.engine.exec;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.ElementKernel;
import io.batchjac.engine.codegen.Kernels;

/** An elementwise unary primitive (or {@code x^c}) over all values of the chunk in one flat loop. */
final class UnaryStep extends Step {
  private final Definition definition;
  private final ElementKernel kernel;
  private final Operand x;
  private final Operand out;

  /** @param definition the primitive's scalar definition ({@code Unary} or {@code PowConst}) */
  UnaryStep(Definition definition, Operand x, Operand out) {
    super(x);
    this.definition = definition;
    this.kernel = Kernels.of(definition);
    this.x = x;
    this.out = out;
  }

  Definition definition() {
    return definition;
  }

  Operand x() {
    return x;
  }

  Operand out() {
    return out;
  }

  @Override
  void run(Frame f, int c) {
    int n = out.batched() ? c * out.size() : out.size();
    Loops.unary(kernel, f.buf[x.slot()], f.off[x.slot()], f.buf[out.slot()], f.off[out.slot()], n, f.tiles);
  }
}
