package io.batchjac.engine.exec;

/**
 * Where a step reads or writes a value: a frame slot, the per-sample size, and whether the
 * value is batched (sample stride = size) or constant (stride 0).
 */
record Operand(int slot, int size, boolean batched) {
  int stride() {
    return batched ? size : 0;
  }
}
