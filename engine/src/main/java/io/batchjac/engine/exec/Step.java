package io.batchjac.engine.exec;

/** One kernel invocation of a plan: computes a node's value for the {@code c} samples of a chunk. */
abstract class Step {
  private final int[] reads;

  /** @param inputs the operands this step reads (for buffer lifetimes) */
  Step(Operand... inputs) {
    reads = new int[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      reads[i] = inputs[i].slot();
    }
  }

  /** Slots this step reads. */
  final int[] reads() {
    return reads.clone();
  }

  /** Floating-point operations per sample in matrix products (0 for other kernels). */
  long gemmFlopsPerSample() {
    return 0;
  }

  /** Runs on the chunk held by {@code f}; {@code c} is the number of samples in it. */
  abstract void run(Frame f, int c);
}
