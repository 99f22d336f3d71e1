package io.batchjac.jobs.core;

import io.batchjac.engine.api.Reduce;
import io.batchjac.engine.stats.BatchSum;
import io.batchjac.engine.stats.MergeTree;
import io.batchjac.engine.stats.SensitivityAnalysis;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.sql.SparkSession;

/**
 * A derivative job with {@code --reduce sum|mean}: the sum or mean over the batch of the
 * per-sample result, without the batch axis (eval and jvp (M), vjp (N), jacobian (M, N), hessian
 * (N, N)), computed in ONE Spark job over block-aligned partitions ({@link Inputs#byBlocks}).
 * Each task runs the engine on its blocks of {@link BatchSum} (fixed by global sample index) and
 * returns the sums of the {@link MergeTree} nodes its blocks cover (a few vectors of the result's
 * size); the driver completes the tree and divides by B for the mean. Bitwise the same for any
 * {@code --partitions}, and the same bits as {@code Engine.reduced(...)} in one JVM. The driver
 * holds the tasks' pieces, O(P log(B) M N) values, never anything of size B.
 */
final class ReduceJob {
  private ReduceJob() {}

  /** Runs the request's reduction of {@code task} over {@code in} and writes the output. */
  static JobSummary run(SparkSession spark, JobRequest r, Inputs in, PartitionTask task, int[] dims, long t0)
      throws IOException {
    long batch = in.batch();
    if (r.reduce() == Reduce.MEAN && batch == 0) {
      throw new IllegalArgumentException("--reduce mean over 0 samples is undefined: give at least one sample (or --reduce sum)");
    }
    Shape shape = Shape.of(dims);
    int width = shape.size();
    BatchSum sum = new BatchSum(width);
    int parts = r.partitions() > 0 ? r.partitions() : Inputs.blockPartitions(spark, batch, sum.blocks().size());
    spark.sparkContext().setJobDescription("batchjac " + r.op().cliName() + " --reduce " + r.reduce().cliName() + ": "
        + r.spec().name());
    List<MergeTree.Piece<double[]>> pieces = new ArrayList<>();
    try {
      in.byBlocks(spark, sum.blocks().size(), parts, new Task(task, batch, width)).collect().forEach(pieces::addAll);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
    Tensor result = Tensor.of(shape, r.reduce().finish(sum.combine(batch, pieces), batch), Tensor.Order.F);
    boolean npy = DerivativeJob.extension(r.output()).equals("npy");
    ReducedOutput.write(spark, r.output(), r.op(), r.reduce(), batch, result, r.overwrite());
    double secs = (System.nanoTime() - t0) / 1e9;
    String what = String.format(Locale.ROOT, "the %s over the batch, %d partitions, blocks of %d samples", r.reduce().cliName(),
        parts, sum.blocks().size());
    String layout = npy
        ? "(" + Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(", ")) + ") float64, Fortran order: " + what
        : "(Parquet, one row: samples, reduce, " + r.op().column() + "): " + what;
    return new JobSummary(r.op(), batch, secs, r.output().toString(), layout, io.batchjac.engine.exec.Blas.describe());
  }

  /** One task: the tree pieces of its blocks, each block computed into one reused buffer. */
  static final class Task implements Inputs.BlockTask<List<MergeTree.Piece<double[]>>> {
    private static final long serialVersionUID = 1L;

    private final PartitionTask task;
    private final long batch;
    private final int width;

    Task(PartitionTask task, long batch, int width) {
      this.task = task;
      this.batch = batch;
      this.width = width;
    }

    @Override
    public List<MergeTree.Piece<double[]>> run(long fromBlock, long toBlock, SensitivityAnalysis.Rows rows) {
      return new BatchSum(width).pieces(batch, fromBlock, toBlock, (b0, count, out) -> {
        try {
          task.runInto(b0, count, rows.read(b0, count), out);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }
  }
}
