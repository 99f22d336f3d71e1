package io.batchjac.jobs.core;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction2;
import scala.runtime.BoxedUnit;

/**
 * The distributed derivative job: the batch is cut into contiguous ranges of samples, one Spark
 * partition each; every task runs the engine on its range ({@link PartitionTask}); the driver
 * writes each returned block at its place in the {@code .npy} result as it arrives
 * ({@link NpyOutput}), or the executors write Parquet part files ({@link ParquetOutput}). Results do
 * not depend on the partitioning (the engine is bitwise chunking-independent).
 */
public final class DerivativeJob {
  /** Target size of one partition's result block. */
  static final long BLOCK_BYTES = 32L << 20;

  private DerivativeJob() {}

  /** Validates the request, runs the job, and returns its summary; no output is left on failure. */
  public static JobSummary run(SparkSession spark, JobRequest r) throws IOException {
    Graph f = r.spec().graph();
    int m = f.outputSize();
    int n = checkWrt(f, r.wrt());
    if (r.op() == Operation.HESSIAN && m != 1) {
      throw new IllegalArgumentException("hessian needs a function with exactly one output value, but "
          + r.spec().name() + " has " + m + " (outputs " + f.outputShapes() + ")");
    }
    io.batchjac.engine.api.Backend backend = io.batchjac.engine.api.Backend.parse(r.backend(), r.chunk());
    if (r.op() == Operation.JVP && backend.kind() == io.batchjac.engine.api.Backend.Kind.REVERSE) {
      throw new IllegalArgumentException("jvp runs in forward mode: --backend reverse is not available for it "
          + "(use vjp for reverse mode, or --backend auto/forward)");
    }
    if (r.op() == Operation.VJP && backend.kind() == io.batchjac.engine.api.Backend.Kind.FORWARD) {
      throw new IllegalArgumentException("vjp runs in reverse mode: --backend forward is not available for it "
          + "(use jvp for forward mode, or --backend auto/reverse)");
    }
    if (r.partitions() < 0) {
      throw new IllegalArgumentException("--partitions must be positive (or 0 for the default), got " + r.partitions());
    }
    Path out = r.output();
    String ext = extension(out);
    if (!ext.equals("npy") && !ext.equals("parquet")) {
      throw new IllegalArgumentException("--output " + out + ": expected a .npy file or a .parquet directory");
    }
    if (Files.exists(out) && !r.overwrite()) {
      throw new IllegalArgumentException("--output " + out + " already exists (use --overwrite to replace it)");
    }
    long t0 = System.nanoTime();
    Inputs in = Inputs.of(spark, r, f);
    int extraWidth = r.op().extraWidth(m, n);
    BatchSource extra = null;
    if (extraWidth > 0) {
      String what = r.op() == Operation.JVP ? "--tangent" : "--cotangent";
      if (r.extra() == null) {
        throw new IllegalArgumentException(r.op().cliName() + " needs " + what + " (a .npy of shape (B, " + extraWidth + "))");
      }
      extra = NpySource.open(what, r.extra(), extraWidth);
      if (extra.batch() != in.batch()) {
        throw new IllegalArgumentException(what + " " + r.extra() + " has " + extra.batch() + " samples but the input has " + in.batch());
      }
    }
    PartitionTask task = new PartitionTask(r.spec(), r.op(), r.backend(), r.chunk(), r.wrt(), in.source(), extra);
    int[] dims = r.op().sampleDims(m, n);
    if (r.reduce() != null) {
      return ReduceJob.run(spark, r, in, task, dims, t0);
    }
    long per = r.op().perSample(m, n);
    int parts = r.partitions() > 0 ? r.partitions() : defaultPartitions(spark, in.batch(), per);
    MemoryPlan memory = MemoryPlan.of(spark, r, dims, in.batch(), parts, ext.equals("npy") && spark.sparkContext().isLocal());
    memory.check();
    MemoryPlan.running(memory);
    String blas;
    if (ext.equals("npy")) {
      blas = writeNpy(spark, in, task, parts, out, dims, r.overwrite());
    } else {
      blas = ParquetOutput.write(spark, in, task, parts, out, new ParquetRows(r.op(), m, dims, r.parquetLayout()),
          r.overwrite());
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    String layout = ext.equals("npy")
        ? "(" + Arrays.stream(dims).mapToObj(Integer::toString).collect(Collectors.joining(", ")) + ", " + in.batch() + ") float64, Fortran order"
        : new ParquetRows(r.op(), m, dims, r.parquetLayout()).describe();
    return new JobSummary(r.op(), in.batch(), secs, out.toString(), layout, blas);
  }

  /**
   * The size N of what is differentiated: the inputs, or the parameters {@code wrt} selects
   * (checked; a model's name selects all its parameters, see {@code Graph.selectParams}).
   */
  static int checkWrt(Graph f, List<String> wrt) {
    if (wrt == null || wrt.isEmpty()) {
      return f.inputSize();
    }
    try {
      int n = 0;
      for (Node p : f.selectParams(wrt)) {
        n += p.shape().size();
      }
      return n;
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--wrt: " + e.getMessage(), e);
    }
  }

  static String extension(Path p) {
    String s = p.getFileName().toString();
    int dot = s.lastIndexOf('.');
    return dot < 0 ? "" : s.substring(dot + 1).toLowerCase(Locale.ROOT);
  }

  /** Enough partitions for every core (x2 for balance), and result blocks of at most ~32 MiB. */
  static int defaultPartitions(SparkSession spark, long batch, long perSample) {
    int cores = Math.max(1, spark.sparkContext().defaultParallelism());
    long bySize = (batch * perSample * 8 + BLOCK_BYTES - 1) / BLOCK_BYTES;
    long p = Math.max(2L * cores, bySize);
    return (int) Math.max(1, Math.min(p, Math.max(1, batch)));
  }

  /** Contiguous ranges [start, end) splitting [0, batch) into {@code parts} near-equal pieces. */
  static List<long[]> ranges(long batch, int parts) {
    List<long[]> r = new ArrayList<>();
    for (int i = 0; i < parts; i++) {
      r.add(new long[] {batch * i / parts, batch * (i + 1) / parts});
    }
    return r;
  }

  /**
   * Writes the {@code .npy} result. On a cluster each task's block travels to the driver, which
   * writes it at its offset; in local mode (executors on the driver's machine) each task writes
   * its block into the driver's temporary file itself, so nothing is serialized or held.
   */
  private static String writeNpy(SparkSession spark, Inputs in, PartitionTask task, int parts, Path out, int[] dims,
      boolean overwrite) throws IOException {
    String[] blas = {null};
    boolean local = spark.sparkContext().isLocal();
    try (NpyOutput file = new NpyOutput(out, dims, in.batch())) {
      PartitionTask t = local
          ? task.writingTo(new NpyBlockSink(file.tempFile().toString(), file.dataOffset(), file.perSample()))
          : task;
      JavaRDD<PartitionTask.Result> results = in.results(spark, t, parts, false);
      List<Object> ids = new ArrayList<>();
      for (int i = 0; i < results.getNumPartitions(); i++) {
        ids.add(i);
      }
      AbstractFunction2<Object, List<PartitionTask.Result>, BoxedUnit> handler = new AbstractFunction2<>() {
        @Override
        public BoxedUnit apply(Object partition, List<PartitionTask.Result> blocks) {
          try {
            for (PartitionTask.Result b : blocks) {
              if (local) {
                file.written(b.count());
              } else {
                file.submit(b.b0(), b.count(), b.packed());
              }
              blas[0] = b.blas();
            }
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          return BoxedUnit.UNIT;
        }
      };
      spark.sparkContext().runJob(results.rdd(), new CollectPartition(),
          scala.jdk.javaapi.CollectionConverters.asScala(ids).toSeq(), handler,
          ClassTag$.MODULE$.apply(List.class));
      file.commit(overwrite);
    }
    return blas[0] == null ? io.batchjac.engine.exec.Blas.describe() : blas[0];
  }

  /** A task's function: the partition's result blocks as a list (usually one). */
  static final class CollectPartition
      extends AbstractFunction2<TaskContext, scala.collection.Iterator<PartitionTask.Result>, List<PartitionTask.Result>>
      implements Serializable {
    private static final long serialVersionUID = 1L;

    @Override
    public List<PartitionTask.Result> apply(TaskContext ctx, scala.collection.Iterator<PartitionTask.Result> it) {
      List<PartitionTask.Result> l = new ArrayList<>();
      while (it.hasNext()) {
        l.add(it.next());
      }
      return l;
    }
  }

  static JavaSparkContext jsc(SparkSession spark) {
    return JavaSparkContext.fromSparkContext(spark.sparkContext());
  }
}
