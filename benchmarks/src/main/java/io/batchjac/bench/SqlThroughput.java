package io.batchjac.bench;

import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import io.batchjac.jobs.core.DerivativeJob;
import io.batchjac.jobs.core.JobRequest;
import io.batchjac.jobs.core.Operation;
import io.batchjac.jobs.core.SpecBundle;
import io.batchjac.udfs.BatchjacExtensions;
import io.batchjac.udfs.DerivativeTransformer;
import io.batchjac.udfs.SafetyConf;
import io.batchjac.udfs.SpecCache;
import io.batchjac.udfs.SpecSource;
import io.batchjac.udfs.SqlFunction;
import io.batchjac.udfs.SqlKernel;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.unsafe.types.UTF8String;
import java.util.Arrays;
import java.util.Locale;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Rows per second of the Borehole gradient (issue 4's benchmark): the SQL function and the
 * Transformer on {@code local[2]} over a cached DataFrame of random inputs, written to Spark's
 * {@code noop} sink, next to Spark's own cost of a trivial array expression and the jobs' path
 * on the same rows ({@code .npy} in, the {@code (1, 8, B)} Jacobian {@code .npy} out); and, without Spark,
 * the per-row cost of a compiled operation ({@link PreparedOp}) on one thread. Each figure is
 * the best and median of 5 runs after a warm-up run.
 *
 * <p>Run: {@code benchmarks/sql-throughput.sh [ROWS]}.
 */
public final class SqlThroughput {
  private static final int RUNS = 5;
  /** A spec of the Borehole's width whose evaluation is one copy: what is left is the SQL function's own cost. */
  static final String TRIVIAL = "input x[8]; output x[0]";

  private SqlThroughput() {}

  public static void main(String[] args) {
    int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
    String spec = Workload.examples().resolve("borehole.fn").toString();
    System.out.println("CPU: " + cpuModel() + ", " + Runtime.getRuntime().availableProcessors() + " cores; Spark local[2]");
    perRowWithoutSpark("gradient (Borehole)", spec, SqlFunction.GRADIENT);
    perRowWithoutSpark("evaluate (" + TRIVIAL + ")", TRIVIAL, SqlFunction.EVALUATE);
    SparkSession spark = SparkSession.builder().master("local[2]").appName("sql-throughput")
        .config("spark.ui.enabled", "false").config(SafetyConf.FILES_ALLOWED, Workload.examples().toString())
        .withExtensions(new BatchjacExtensions()).getOrCreate();
    try {
      Dataset<Row> data = spark.range(0, rows, 1, 2).selectExpr("array(0.05 + 0.1 * rand(1), "
          + "100 + 49900 * rand(2), 63070 + 52530 * rand(3), 990 + 120 * rand(4), 63.1 + 52.9 * rand(5), "
          + "700 + 120 * rand(6), 1120 + 560 * rand(7), 9855 + 2190 * rand(8)) AS x").cache();
      data.count();
      // Spark's own per-row cost on the same arrays: an 8-element array expression (generated
      // code), and the higher-order transform, which Spark 4.2 evaluates without generated code,
      // looking up its SQL configuration for every element.
      report("Spark alone: array(x[0] * 2, ..., x[7] * 2)", rows, () -> noop(data.selectExpr(
          "array(x[0] * 2, x[1] * 2, x[2] * 2, x[3] * 2, x[4] * 2, x[5] * 2, x[6] * 2, x[7] * 2) AS g")));
      report("Spark alone: transform(x, v -> v * 2)", rows, () -> noop(data.selectExpr("transform(x, v -> v * 2) AS g")));
      report("SQL gradient(spec, x), row by row", rows, () -> noop(data.selectExpr("gradient('" + spec + "', x) AS g")));
      // the Spark side of a SQL function alone: a spec whose engine run costs next to nothing
      report("SQL evaluate('" + TRIVIAL + "', x)", rows, () -> noop(data.selectExpr("evaluate('" + TRIVIAL + "', x) AS g")));
      DerivativeTransformer t = new DerivativeTransformer().setSpec(spec).setInputCol("x").setOutputCol("g")
          .setMode("gradient");
      report("DerivativeTransformer gradient, batched", rows, () -> noop(t.transform(data)));
      java.nio.file.Path npy = npyOf(data, rows);
      data.unpersist();
      report("jobs: jacobian .npy -> .npy (same rows)", rows, () -> npyJob(spark, spec, npy));
      deleteQuietly(npy);
      deleteQuietly(npy.resolveSibling("gradient.npy"));
    } finally {
      spark.stop();
    }
  }

  /** The same rows as a (B, 8) C-order .npy file in the temporary directory. */
  private static java.nio.file.Path npyOf(Dataset<Row> data, int rows) {
    double[] x = new double[rows * 8];
    int i = 0;
    for (Row r : data.collectAsList()) {
      java.util.List<Double> v = r.getList(0);
      for (int k = 0; k < 8; k++) {
        x[i++] = v.get(k);
      }
    }
    try {
      java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("sql-throughput");
      java.nio.file.Path file = dir.resolve("x.npy");
      Npy.write(file, Tensor.of(Shape.of(rows, 8), x, Tensor.Order.C));
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  /** The jobs' path on those rows: the (1, 8, B) Jacobian (the gradient) written to an .npy. */
  private static void npyJob(SparkSession spark, String spec, java.nio.file.Path input) {
    try {
      DerivativeJob.run(spark, new JobRequest(SpecBundle.of(spec), Operation.JACOBIAN, "auto", 0, java.util.List.of(),
          input, -1, 0, null, java.util.Map.of(), input.resolveSibling("gradient.npy"), true, 0));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(java.nio.file.Path p) {
    try {
      java.nio.file.Files.deleteIfExists(p);
    } catch (java.io.IOException ignored) {
      // a temporary file
    }
  }

  private static void noop(Dataset<Row> df) {
    df.write().format("noop").mode("overwrite").save();
  }

  private static void report(String what, int rows, Runnable run) {
    run.run(); // warm-up
    double[] s = new double[RUNS];
    for (int i = 0; i < RUNS; i++) {
      long t0 = System.nanoTime();
      run.run();
      s[i] = (System.nanoTime() - t0) / 1e9;
    }
    Arrays.sort(s);
    System.out.printf(Locale.ROOT, "%-48s %,d rows: best %.3f s (%,.0f rows/s), median %.3f s (%,.0f rows/s)%n",
        what, rows, s[0], rows / s[0], s[RUNS / 2], rows / s[RUNS / 2]);
  }

  /**
   * One thread, no Spark around it: a compiled operation run one row at a time as a SQL function
   * runs it (the row copied out of its array, {@code PreparedOp.run} for a batch of one), and the
   * SQL function's kernel ({@link SqlKernel}: what Spark's generated code calls per row, Spark's
   * {@code ArrayData} in and out) on the same rows, measured in turns; the difference is the
   * kernel's own cost per row.
   */
  private static void perRowWithoutSpark(String what, String spec, SqlFunction function) {
    Graph f = SpecCache.get(SpecSource.resolve(spec, SafetyConf.unrestricted()), SafetyConf.unrestricted()).graph();
    PreparedOp prepared = new Engine(new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES))
        .prepare(f, function.operation(), io.batchjac.engine.api.Backend.auto(), Engine.Wrt.inputs());
    SqlKernel kernel = SqlKernel.withFixedSpec(function, spec);
    UTF8String specText = UTF8String.fromString(spec);
    Executor one = new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES);
    int n = f.inputSize();
    double[] xs = new Sampler(f, 3).draw(0, 1000);
    UnsafeArrayData[] arrays = new UnsafeArrayData[1000];
    for (int i = 0; i < arrays.length; i++) {
      arrays[i] = UnsafeArrayData.fromPrimitiveArray(Arrays.copyOfRange(xs, i * n, i * n + n));
    }
    double sink = 0;
    int rows = 400_000;
    double engine = Double.MAX_VALUE;
    double viaKernel = Double.MAX_VALUE;
    for (int rep = 0; rep < 5; rep++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < rows; i++) {
        double[] row = Arrays.copyOfRange(xs, (i % 1000) * n, (i % 1000) * n + n);
        sink += prepared.run(one, row, n, null, 1)[0];
      }
      long t1 = System.nanoTime();
      for (int i = 0; i < rows; i++) {
        sink += kernel.row2(specText, arrays[i % 1000]).getDouble(0);
      }
      long t2 = System.nanoTime();
      engine = Math.min(engine, (t1 - t0) / (double) rows);
      viaKernel = Math.min(viaKernel, (t2 - t1) / (double) rows);
    }
    System.out.printf(Locale.ROOT, "%s, 1 thread, no Spark: engine run %.0f ns/row (%,.0f rows/s); "
        + "SQL kernel %.0f ns/row: its own cost %.0f ns/row%n", what, engine, 1e9 / engine, viaKernel, viaKernel - engine);
    if (sink == 42) {
      System.out.println();
    }
  }

  /** The CPU's model name ({@code /proc/cpuinfo}), or "unknown". */
  private static String cpuModel() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).strip();
        }
      }
    } catch (java.io.IOException | RuntimeException e) {
      // not Linux
    }
    return "unknown";
  }
}
