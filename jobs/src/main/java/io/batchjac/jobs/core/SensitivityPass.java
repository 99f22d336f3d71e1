package io.batchjac.jobs.core;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.stats.MergeTree;
import io.batchjac.engine.stats.SensitivityAggregate;
import io.batchjac.engine.stats.SensitivityAnalysis;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.sql.SparkSession;

/**
 * The distributed pass of a sensitivity analysis: ONE Spark job over block-aligned partitions
 * ({@link Inputs#byBlocks}); each task runs the engine's batched Jacobian and evaluation block by
 * block and folds the blocks into the pieces of the fixed {@link MergeTree} that its blocks
 * cover; the driver collects the pieces (a few small aggregates per task) and completes the
 * tree. Spark's {@code treeAggregate} would merge in an order that depends on the partitions;
 * this tree does not, so the result is bitwise the same for any {@code --partitions}.
 */
final class SensitivityPass {
  private SensitivityPass() {}

  /** The aggregate of every sample of {@code in}, computed on the cluster. */
  static SensitivityAggregate run(SparkSession spark, SpecBundle spec, Inputs in, int parts) {
    SensitivityAnalysis analysis = Task.analysis(spec);
    Task task = new Task(spec, in.batch());
    List<List<MergeTree.Piece<SensitivityAggregate>>> perTask =
        in.byBlocks(spark, analysis.blockSize(), parts, task).collect();
    List<MergeTree.Piece<SensitivityAggregate>> pieces = new ArrayList<>();
    perTask.forEach(pieces::addAll);
    return analysis.combine(in.batch(), pieces);
  }

  /** Default partitions: twice the cores (balance), at most one per block. */
  static int defaultPartitions(SparkSession spark, Graph f, long batch) {
    return Inputs.blockPartitions(spark, batch, SensitivityAnalysis.blockSize(f.outputSize(), f.inputSize()));
  }

  /** One task: the tree pieces of its blocks. */
  static final class Task implements Inputs.BlockTask<List<MergeTree.Piece<SensitivityAggregate>>> {
    private static final long serialVersionUID = 1L;

    /** The compiled analysis per executor JVM and spec bundle. */
    private static final Map<String, SensitivityAnalysis> COMPILED = new ConcurrentHashMap<>();

    private final SpecBundle spec;
    private final long batch;

    Task(SpecBundle spec, long batch) {
      this.spec = spec;
      this.batch = batch;
    }

    static SensitivityAnalysis analysis(SpecBundle spec) {
      if (COMPILED.size() > 16) {
        COMPILED.clear(); // bounded: a JVM runs few distinct analyses
      }
      return COMPILED.computeIfAbsent(spec.key(), k -> new SensitivityAnalysis(spec.graph()));
    }

    @Override
    public List<MergeTree.Piece<SensitivityAggregate>> run(long fromBlock, long toBlock, SensitivityAnalysis.Rows rows) {
      return analysis(spec).pieces(PartitionTask.ONE_THREAD, rows, batch, fromBlock, toBlock);
    }
  }
}
