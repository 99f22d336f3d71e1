package io.batchjac.engine.api;

import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.stats.BatchSum;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Arrays;

/**
 * The in-process side of {@link Engine#reduced}: runs a compiled operation block after block of
 * {@link BatchSum}'s fixed blocks (each block on all the executor's threads), folds each block
 * into its sum and merges the sums in the fixed tree. Holds one block of per-sample results (at
 * most about 8 MiB) instead of the whole (..., B) result.
 */
final class BatchReducer {
  private BatchReducer() {}

  /**
   * The reduction of {@code op} over the batch {@code x} (and {@code extra}, the tangents or
   * cotangents, or null), shaped {@code sampleShape} (the per-sample result's shape, Fortran order).
   */
  static Tensor run(Reduce reduce, Executor executor, PreparedOp op, BatchInput x, BatchInput extra, Shape sampleShape) {
    int n = x.width();
    int e = op.extraWidth();
    BatchSum sum = new BatchSum(op.outPerSample());
    double[] total = sum.total(x.batch(), (b0, count, out) -> {
      int from = (int) b0;
      double[] rows = Arrays.copyOfRange(x.data(), from * n, (from + count) * n);
      double[] more = extra == null ? null : Arrays.copyOfRange(extra.data(), from * e, (from + count) * e);
      op.runInto(executor, rows, n, more, count, out);
    });
    return Tensor.of(sampleShape, reduce.finish(total, x.batch()), Tensor.Order.F);
  }
}
