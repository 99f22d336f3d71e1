package io.batchjac.engine.stats;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Tensor;
import java.util.List;

/**
 * Derivative-based global sensitivity analysis of a function over a batch of samples, block by
 * block: each block of {@link #blockSize()} consecutive samples (block k holds samples
 * {@code [k * size, min((k + 1) * size, B))}) is run through the engine's batched Jacobian and
 * evaluation and folded into a {@link SensitivityAggregate}; the blocks' aggregates are merged in
 * the fixed {@link MergeTree}. Block boundaries and the tree depend only on B and the function's
 * size, so the result is bitwise the same for any thread count, and for any split of the blocks
 * between Spark tasks (the jobs module runs {@link #block} per task and {@link MergeTree#root}
 * on the driver).
 *
 * <p>In-process use (no Spark):
 * <pre>
 * Graph f = SpecParser.parseFile(Path.of("conf/examples/ishigami.fn")).graph();
 * SensitivityReport r = SensitivityAnalysis.sampled(f, 200_000, 0, Executor.defaults());
 * double nu1 = r.pair(0, 0).dgsm();
 * </pre>
 */
public final class SensitivityAnalysis {
  /** Samples as C-order rows: {@code count} rows of N values starting at sample {@code b0}. */
  @FunctionalInterface
  public interface Rows {
    double[] read(long b0, int count);
  }

  private final Graph f;
  private final PreparedOp jacobian;
  private final PreparedOp evaluate;
  private final SampleBlocks blocks;

  /** Derives and compiles the Jacobian (automatic mode) and the evaluation of {@code f}. */
  public SensitivityAnalysis(Graph f) {
    this.f = f;
    this.jacobian = PreparedOp.jacobian(f, Backend.auto(), io.batchjac.engine.api.Engine.Wrt.inputs());
    this.evaluate = PreparedOp.evaluate(f);
    this.blocks = SampleBlocks.forValuesPerSample((long) f.outputSize() * f.inputSize());
  }

  /**
   * Samples per block for M outputs and N inputs: the largest power of two from 64 to 4096 whose
   * Jacobians take at most 8 MiB (a function of the function's size only; {@link SampleBlocks}).
   */
  public static int blockSize(int m, int n) {
    return SampleBlocks.forValuesPerSample((long) m * n).size();
  }

  public int blockSize() {
    return blocks.size();
  }

  /** Blocks of a batch of B samples. */
  public long blocks(long batch) {
    return blocks.count(batch);
  }

  /** First sample of block k. */
  public long blockStart(long k) {
    return blocks.start(k);
  }

  /** Samples in block k of a batch of B. */
  public int blockCount(long k, long batch) {
    return blocks.length(k, batch);
  }

  /** The aggregate of {@code count} samples given as C-order rows of N values. */
  public SensitivityAggregate block(Executor executor, double[] rows, int count) {
    int n = f.inputSize();
    double[] jac = jacobian.run(executor, rows, n, null, count);
    double[] values = evaluate.run(executor, rows, n, null, count);
    return SensitivityAggregate.ofBlock(f.outputSize(), n, count, rows, values, jac);
  }

  /** The aggregate of block k of a batch of B samples read from {@code rows}. */
  public SensitivityAggregate block(Executor executor, Rows rows, long k, long batch) {
    int count = blockCount(k, batch);
    return block(executor, rows.read(blockStart(k), count), count);
  }

  /** The tree pieces of the blocks {@code [from, to)} (what one Spark task computes). */
  public List<MergeTree.Piece<SensitivityAggregate>> pieces(Executor executor, Rows rows, long batch, long from, long to) {
    return MergeTree.pieces(blocks(batch), from, to, k -> block(executor, rows, k, batch), SensitivityAggregate::merge);
  }

  /** The aggregate of the whole batch from every block's pieces (the driver's step). */
  public SensitivityAggregate combine(long batch, List<MergeTree.Piece<SensitivityAggregate>> pieces) {
    SensitivityAggregate a = MergeTree.root(blocks(batch), pieces, SensitivityAggregate::merge);
    return a == null ? SensitivityAggregate.empty(f.outputSize(), f.inputSize()) : a;
  }

  /** The aggregate of B samples, in this JVM. */
  public SensitivityAggregate aggregate(Executor executor, Rows rows, long batch) {
    return combine(batch, pieces(executor, rows, batch, 0, blocks(batch)));
  }

  /** The measures from B samples drawn from f's input distributions ({@link Sampler}), in this JVM. */
  public static SensitivityReport sampled(Graph f, long samples, long seed, Executor executor) {
    Sampler sampler = new Sampler(f, seed);
    SensitivityAggregate a = new SensitivityAnalysis(f).aggregate(executor, sampler::draw, samples);
    return SensitivityReport.of(f, SensitivityReport.drawnLaws(f), a);
  }

  /**
   * The measures from given samples (C-order (B, N) or Fortran-order (N, B)); their
   * distributions are unknown, so there is no bound on Sobol's index.
   */
  public static SensitivityReport ofSamples(Graph f, Tensor x, Executor executor) {
    int n = f.inputSize();
    boolean rowsOfN = x.order() == Tensor.Order.C ? x.shape().rank() == 2 && x.shape().dim(1) == n
        : x.shape().rank() == 2 && x.shape().dim(0) == n;
    if (!rowsOfN) {
      throw new IllegalArgumentException("samples of shape " + x.shape() + " (" + x.order() + " order): expected (B, " + n
          + ") in C order or (" + n + ", B) in Fortran order");
    }
    double[] data = x.data(); // both layouts hold each sample's N values contiguously
    long batch = data.length / Math.max(1, n);
    Rows rows = (b0, count) -> java.util.Arrays.copyOfRange(data, (int) (b0 * n), (int) ((b0 + count) * n));
    SensitivityAggregate a = new SensitivityAnalysis(f).aggregate(executor, rows, batch);
    return SensitivityReport.of(f, SensitivityReport.unknownLaws(f), a);
  }
}
