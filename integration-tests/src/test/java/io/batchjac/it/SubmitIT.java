package io.batchjac.it;

import static io.batchjac.it.Checks.assertContains;
import static io.batchjac.it.Checks.assertNpyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.SpecLoader;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.stats.PairMeasures;
import io.batchjac.engine.stats.SensitivityAnalysis;
import io.batchjac.engine.stats.SensitivityReport;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * spark-submit of the shaded application jar, in client mode, against a standalone cluster of a
 * Master and two Workers (each its own JVM): the submitting JVM and the executors know only
 * Spark's class path, so every batchjac class comes from the application jar.
 */
class SubmitIT {
  @RegisterExtension
  static final ClusterExtension CLUSTER = ClusterExtension.clusterOnly("submit-it");

  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Checks.freshDir("submit-it");
  }

  @Test
  void jacobianOfAnNpyInputEqualsTheEngineBitwise() throws Exception {
    int b = 20_000;
    double[] x = Checks.rows(11, b, 16, -2, 2);
    Path in = Checks.writeNpy(dir.resolve("mlp-x.npy"), x, b, 16);
    Path out = dir.resolve("mlp-jac.npy");
    SparkSubmitter.Result r = SparkSubmitter.submit(CLUSTER.cluster(), List.of(), "io.batchjac.jobs.JacobianJob",
        List.of("--spec", ClusterEnv.example("mlp.fn").toString(), "--input", in.toString(),
            "--output", out.toString(), "--partitions", "5"),
        TIMEOUT);
    assertEquals(0, r.status(), r::toString);
    assertContains(r.out() + r.err(), "20,000 samples", "the job's summary line");
    Graph f = Checks.graph("mlp.fn");
    assertNpyEquals(Checks.ENGINE.batchedJacobian(f, Backend.auto(), Checks.batch(x, b, 16)), out);
  }

  @Test
  void jacobianOfAParquetTableEqualsTheEngineBitwise() throws Exception {
    int b = 5_000;
    String[] names = {"rw", "r", "Tu", "Hu", "Tl", "Hl", "L", "Kw"};
    double[][] ranges = {{0.05, 0.15}, {100, 50000}, {63070, 115600}, {990, 1110},
        {63.1, 116}, {700, 820}, {1120, 1680}, {9855, 12045}};
    double[] x = new double[b * 8];
    for (int n = 0; n < 8; n++) {
      double[] col = Checks.rows(100 + n, b, 1, ranges[n][0], ranges[n][1]);
      for (int i = 0; i < b; i++) {
        x[i * 8 + n] = col[i];
      }
    }
    Path table = dir.resolve("borehole.parquet");
    writeParquet(table, names, x, b);
    Path out = dir.resolve("borehole-jac.npy");
    SparkSubmitter.Result r = SparkSubmitter.submit(CLUSTER.cluster(), List.of(), "io.batchjac.jobs.JacobianJob",
        List.of("--spec", ClusterEnv.example("borehole.fn").toString(), "--input", table.toString(),
            "--output", out.toString(), "--partitions", "3"),
        TIMEOUT);
    assertEquals(0, r.status(), r::toString);
    Graph f = Checks.graph("borehole.fn");
    assertNpyEquals(Checks.ENGINE.batchedJacobian(f, Backend.auto(), Checks.batch(x, b, 8)), out);
  }

  @Test
  void sqlFunctionsComeFromTheExtensionConfAndReadOnnxModels() throws Exception {
    Path onnx = ClusterEnv.example("torch_mlp.onnx");
    SparkSubmitter.Result r = SparkSubmitter.submit(CLUSTER.cluster(),
        List.of("spark.sql.extensions=io.batchjac.udfs.BatchjacExtensions"), "io.batchjac.jobs.SqlJob",
        List.of("SELECT id, gradient('" + ClusterEnv.example("ishigami.fn") + "', array(CAST(id AS DOUBLE) / 10, 1.0D, 2.0D)) AS g,"
            + " jacobian('" + onnx + "', array(CAST(id AS DOUBLE) / 40, 0.5D, -0.25D, 1.0D)) AS j"
            + " FROM range(0, 40, 1, 4) ORDER BY id", "--rows", "40"),
        TIMEOUT);
    assertEquals(0, r.status(), r::toString);
    List<String> lines = r.out().lines().filter(l -> l.contains("|")).toList();
    assertEquals("id | g | j", lines.get(0), r::toString);
    assertEquals(41, lines.size(), r::toString);
    Graph f = Checks.graph("ishigami.fn");
    Graph model = SpecLoader.load(onnx).graph();
    for (int id = 0; id < 40; id++) {
      double[] g = Checks.ENGINE.gradient(f, Backend.auto(), Checks.batch(new double[] {id / 10.0, 1.0, 2.0}, 1, 3)).data();
      Tensor jac = Checks.ENGINE.batchedJacobian(model, Backend.auto(),
          Checks.batch(new double[] {id / 40.0, 0.5, -0.25, 1.0}, 1, 4));
      assertEquals(id + " | [" + g[0] + ", " + g[1] + ", " + g[2] + "] | " + rowsOf(jac), lines.get(id + 1), "row " + id);
    }
  }

  /** A one-sample (M, N, 1) Jacobian as the sql command prints it: [[J00, J01, ...], [J10, ...], ...]. */
  private static String rowsOf(Tensor jac) {
    int m = jac.shape().dims()[0];
    int n = jac.shape().dims()[1];
    List<String> rows = new ArrayList<>();
    for (int i = 0; i < m; i++) {
      List<String> cells = new ArrayList<>();
      for (int k = 0; k < n; k++) {
        cells.add(String.valueOf(jac.data()[i + m * k])); // Fortran order: (i, k, 0) at i + M k
      }
      rows.add("[" + String.join(", ", cells) + "]");
    }
    return "[" + String.join(", ", rows) + "]";
  }

  @Test
  void sensitivityOnTheClusterEqualsTheInProcessAnalysis() throws Exception {
    long samples = 50_000;
    Path out = dir.resolve("gfunction-sensitivity");
    SparkSubmitter.Result r = SparkSubmitter.submit(CLUSTER.cluster(), List.of(), "io.batchjac.jobs.SensitivityJob",
        List.of("--spec", ClusterEnv.example("gfunction.fn").toString(), "--samples", String.valueOf(samples),
            "--seed", "5", "--partitions", "6", "--output", out.toString()),
        TIMEOUT);
    assertEquals(0, r.status(), r::toString);
    SensitivityReport local = SensitivityAnalysis.sampled(Checks.graph("gfunction.fn"), samples, 5,
        new Executor(2, Executor.DEFAULT_CHUNK_DOUBLES));
    List<String> rows = Files.readAllLines(out.resolve("sensitivity.csv")).stream().skip(1).toList();
    assertEquals(5, rows.size(), () -> "one row per input: " + rows);
    for (int n = 0; n < 5; n++) {
      PairMeasures p = local.pair(0, n);
      String[] cells = rows.get(n).split(",");
      assertEquals(Double.toString(p.dgsm()), cells[2], "nu_" + n + " equals the in-process value bitwise");
      assertEquals(Double.toString(p.dgsmStdError()), cells[3], "its standard error");
    }
    for (String png : List.of("heatmap.png", "bars-g.png")) {
      assertEquals(800, javax.imageio.ImageIO.read(out.resolve(png).toFile()).getWidth(), png);
    }
  }

  /** Writes one Parquet file of B rows and the named double columns, with a local session. */
  private static void writeParquet(Path table, String[] names, double[] x, int b) {
    SparkSession local = SparkSession.builder().master("local[1]").appName("SubmitIT table")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<StructField> fields = new ArrayList<>();
      for (String n : names) {
        fields.add(DataTypes.createStructField(n, DataTypes.DoubleType, false));
      }
      List<Row> rows = new ArrayList<>(b);
      for (int i = 0; i < b; i++) {
        Object[] v = new Object[names.length];
        for (int n = 0; n < names.length; n++) {
          v[n] = x[i * names.length + n];
        }
        rows.add(RowFactory.create(v));
      }
      Dataset<Row> df = local.createDataFrame(rows, new StructType(fields.toArray(StructField[]::new)));
      df.coalesce(1).write().parquet(table.toString());
    } finally {
      local.stop();
    }
  }
}
