package io.batchjac.udfs;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Rows per second of the Borehole gradient (issue 4's benchmark): the SQL function and the
 * Transformer on local[2] over a cached DataFrame of random inputs, written to Spark's
 * {@code noop} sink, next to Spark's own cost of a trivial array expression; and, without Spark,
 * the per-row cost of the compiled path against the engine facade at B = 1. Off by default:
 * <pre>
 *   mvn -o -pl engine,udfs test -Dtest=ThroughputBenchmarkTest -Dbatchjac.bench=true \
 *       [-Dbatchjac.bench.rows=1000000] -Dsurefire.failIfNoSpecifiedTests=false
 * </pre>
 * Each figure is the best of 5 runs after a warm-up run.
 */
@EnabledIfSystemProperty(named = "batchjac.bench", matches = "true")
class ThroughputBenchmarkTest {
  private static final int RUNS = 5;

  @Test
  void boreholeGradientRowsPerSecond() {
    int rows = Integer.getInteger("batchjac.bench.rows", 1_000_000);
    String spec = TestSupport.example("borehole.fn");
    perRowWithoutSpark(spec);

    SparkSession spark = TestSupport.localBuilder("ThroughputBenchmark").withExtensions(new BatchjacExtensions())
        .getOrCreate();
    try {
      Dataset<Row> data = spark.range(0, rows, 1, 2).selectExpr("array(0.05 + 0.1 * rand(1), "
          + "100 + 49900 * rand(2), 63070 + 52530 * rand(3), 990 + 120 * rand(4), 63.1 + 52.9 * rand(5), "
          + "700 + 120 * rand(6), 1120 + 560 * rand(7), 9855 + 2190 * rand(8)) AS x").cache();
      data.count();
      report("Spark alone: transform(x, v -> v * 2)", rows,
          () -> noop(data.selectExpr("transform(x, v -> v * 2) AS g")));
      report("SQL gradient(spec, x), row by row", rows,
          () -> noop(data.selectExpr("gradient('" + spec + "', x) AS g")));
      DerivativeTransformer t = new DerivativeTransformer().setSpec(spec).setInputCol("x").setOutputCol("g")
          .setMode("gradient");
      report("DerivativeTransformer gradient, batches of " + t.getBatchSize(), rows, () -> noop(t.transform(data)));
      data.unpersist();
    } finally {
      TestSupport.stop(spark);
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
    System.out.printf("BENCH %-48s %,d rows: best %.3f s (%,.0f rows/s), median %.3f s (%,.0f rows/s)%n", what, rows,
        s[0], rows / s[0], s[RUNS / 2], rows / s[RUNS / 2]);
  }

  /** One thread, no Spark: the compiled per-row path and the engine facade at B = 1. */
  private static void perRowWithoutSpark(String spec) {
    CompiledSpec cs = SpecCache.get(spec);
    Graph f = cs.graph();
    Random r = new Random(3);
    double[][] xs = new double[1000][];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = TestSupport.boreholeRow(r);
    }
    double sink = 0;
    int n = 400_000;
    for (int rep = 0; rep < 3; rep++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < n; i++) {
        sink += ((double[]) SqlFunction.GRADIENT.compute(cs, xs[i % xs.length], null))[0];
      }
      double ns = (System.nanoTime() - t0) / (double) n;
      System.out.printf("BENCH compiled per-row gradient, 1 thread: %.0f ns/row (%,.0f rows/s)%n", ns, 1e9 / ns);
    }
    Engine e = TestSupport.engine();
    int m = 20_000;
    for (int rep = 0; rep < 2; rep++) {
      long t0 = System.nanoTime();
      for (int i = 0; i < m; i++) {
        sink += e.gradient(f, Backend.auto(), Tensor.of(Shape.of(1, 8), xs[i % xs.length])).data()[0];
      }
      double ns = (System.nanoTime() - t0) / (double) m;
      System.out.printf("BENCH engine facade gradient at B=1, 1 thread: %.0f ns/row (%,.0f rows/s)%n", ns, 1e9 / ns);
    }
    if (sink == 42) {
      System.out.println();
    }
  }
}
