package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.ENGINE;
import static io.batchjac.jobs.CliSupport.assertContains;
import static io.batchjac.jobs.CliSupport.assertNpyEquals;
import static io.batchjac.jobs.CliSupport.batch;
import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.graph;
import static io.batchjac.jobs.CliSupport.rows;
import static io.batchjac.jobs.CliSupport.spec;
import static io.batchjac.jobs.CliSupport.writeC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Parquet and CSV inputs: one numeric column per scalar input (borehole), one array column per
 * tensor input (mlp), {@code --columns} to map names; the results are those of the same samples
 * given as {@code .npy}. Bad tables fail with one line naming the row and column.
 */
class TableInputTest {
  static final int B = 500;
  static final String[] BOREHOLE = {"rw", "r", "Tu", "Hu", "Tl", "Hl", "L", "Kw"};

  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = CliSupport.startSpark("TableInputTest");
  }

  @AfterAll
  static void stopSpark() {
    CliSupport.stopSpark(spark);
  }

  /**
   * The borehole samples as a table with the spec's columns in reverse order after a string
   * column that is not an input (so that columns are found by name, not position).
   */
  private Dataset<Row> boreholeTable(double[] x, int b) {
    StructType schema = new StructType().add("label", DataTypes.StringType);
    for (int c = BOREHOLE.length - 1; c >= 0; c--) {
      schema = schema.add(BOREHOLE[c], DataTypes.DoubleType);
    }
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < b; s++) {
      Object[] v = new Object[BOREHOLE.length + 1];
      v[0] = "sample-" + s;
      for (int c = 0; c < BOREHOLE.length; c++) {
        v[BOREHOLE.length - c] = x[s * BOREHOLE.length + c];
      }
      rows.add(RowFactory.create(v));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** mlp samples as a table with one array<double> column. */
  private Dataset<Row> arrayTable(String column, double[] x, int b, int n) {
    StructType schema = new StructType().add(column, DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < b; s++) {
      List<Double> v = new ArrayList<>();
      for (int j = 0; j < n; j++) {
        v.add(x[s * n + j]);
      }
      rows.add(RowFactory.create(v));
    }
    return spark.createDataFrame(rows, schema);
  }

  /** The .npy path's output for the same samples (itself checked against the engine). */
  private byte[] npyPathResult(String specName, double[] x, int b, int n, String op) throws IOException {
    Path in = writeC(dir.resolve("same-" + op + ".npy"), x, b, n);
    Path out = dir.resolve("npy-path-" + op + ".npy");
    cli(op, "--spec", spec(specName), "--input", in, "--output", out, "--master", "local[2]").ok();
    return Files.readAllBytes(out);
  }

  @Test
  void boreholeFromParquetAndCsv() throws IOException {
    Graph f = graph("borehole.fn");
    double[] x = new Sampler(f, 31).draw(0, B);
    Dataset<Row> table = boreholeTable(x, B).coalesce(1);
    Path parquet = dir.resolve("borehole.parquet");
    table.write().parquet(parquet.toString());
    Path csv = dir.resolve("borehole.csv");
    table.write().option("header", "true").csv(csv.toString());

    byte[] viaNpy = npyPathResult("borehole.fn", x, B, 8, "jacobian");
    Tensor expected = ENGINE.batchedJacobian(f, Backend.auto(), batch(x, B, 8));
    for (Path in : new Path[] {parquet, csv}) {
      Path out = dir.resolve("J-" + in.getFileName() + ".npy");
      cli("jacobian", "--spec", spec("borehole.fn"), "--input", in, "--output", out, "--master", "local[2]").ok();
      assertNpyEquals(expected, out, 1, 8, B);
      assertArrayEquals(viaNpy, Files.readAllBytes(out), in + ": same bytes as the .npy path");
    }
    Path out = dir.resolve("f-csv.npy");
    cli("eval", "--spec", spec("borehole.fn"), "--input", csv, "--output", out, "--master", "local[2]").ok();
    assertNpyEquals(ENGINE.evaluate(f, batch(x, B, 8)), out, 1, B);
  }

  @Test
  void mlpFromAnArrayColumn() throws IOException {
    Graph f = graph("mlp.fn");
    double[] x = rows(32, B, 16, -2, 2);
    Path parquet = dir.resolve("mlp.parquet");
    arrayTable("x", x, B, 16).coalesce(1).write().parquet(parquet.toString());
    Path out = dir.resolve("J.npy");
    cli("jacobian", "--spec", spec("mlp.fn"), "--input", parquet, "--output", out, "--master", "local[2]").ok();
    assertNpyEquals(ENGINE.batchedJacobian(f, Backend.auto(), batch(x, B, 16)), out, 8, 16, B);
    assertArrayEquals(npyPathResult("mlp.fn", x, B, 16, "jacobian"), Files.readAllBytes(out));
  }

  @Test
  void columnsMapsInputNamesToColumns() throws IOException {
    Graph f = graph("mlp.fn");
    double[] x = rows(33, B, 16, -2, 2);
    Path parquet = dir.resolve("features.parquet");
    arrayTable("features", x, B, 16).coalesce(1).write().parquet(parquet.toString());
    Path out = dir.resolve("f.npy");
    cli("eval", "--spec", spec("mlp.fn"), "--input", parquet, "--columns", "x=features", "--output", out,
        "--master", "local[2]").ok();
    assertNpyEquals(ENGINE.evaluate(f, batch(x, B, 16)), out, 8, B);
    assertArrayEquals(npyPathResult("mlp.fn", x, B, 16, "eval"), Files.readAllBytes(out));
    // the Parquet output of a table input: ids 0..B-1 in table order
    Path pq = dir.resolve("f.parquet");
    cli("eval", "--spec", spec("mlp.fn"), "--input", parquet, "--columns", "x=features", "--output", pq,
        "--master", "local[2]").ok();
    List<Row> rows = spark.read().parquet(pq.toString()).orderBy("id").collectAsList();
    assertEquals(B, rows.size());
    double[] values = ENGINE.evaluate(f, batch(x, B, 16)).data();
    for (int b = 0; b < B; b++) {
      assertEquals(b, rows.get(b).getLong(0));
      assertEquals(values[8 * b + 3], rows.get(b).<Double>getList(1).get(3), 0.0);
    }
  }

  @Test
  void missingColumnListsTheAvailableColumns() throws IOException {
    double[] x = rows(34, 50, 16, -2, 2);
    Path parquet = dir.resolve("features.parquet");
    arrayTable("features", x, 50, 16).coalesce(1).write().parquet(parquet.toString());
    Path outDir = Files.createDirectory(dir.resolve("out"));
    CliSupport.Run run = cli("jacobian", "--spec", spec("mlp.fn"), "--input", parquet,
        "--output", outDir.resolve("J.npy"), "--master", "local[2]");
    assertEquals(1, run.status(), run::toString);
    assertEquals(1, run.errLines().size(), run::toString);
    String line = run.errLines().get(0);
    assertContains(line, "batchjac: error: ", "stderr");
    assertContains(line, "'x'", "stderr names the missing column");
    assertContains(line, "[features]", "stderr lists the columns");
    assertContains(line, "--columns", "stderr suggests --columns");
    assertEquals(List.of(), CliSupport.list(outDir));
  }

  @Test
  void nullCellInCsvNamesRowAndColumn() throws IOException {
    Graph f = graph("borehole.fn");
    int b = 40;
    double[] x = new Sampler(f, 35).draw(0, b);
    StringBuilder csv = new StringBuilder(String.join(",", BOREHOLE)).append('\n');
    for (int s = 0; s < b; s++) {
      for (int c = 0; c < BOREHOLE.length; c++) {
        csv.append(c == 0 ? "" : ",").append(s == 17 && c == 2 ? "" : Double.toString(x[s * 8 + c]));
      }
      csv.append('\n');
    }
    Path in = Files.writeString(dir.resolve("holes.csv"), csv);
    Path outDir = Files.createDirectory(dir.resolve("out"));
    for (String name : new String[] {"J.npy", "J.parquet"}) {
      CliSupport.Run run = cli("jacobian", "--spec", spec("borehole.fn"), "--input", in,
          "--output", outDir.resolve(name), "--master", "local[2]");
      assertEquals(1, run.status(), run::toString);
      assertEquals(1, run.errLines().size(), run::toString);
      String line = run.errLines().get(0);
      assertContains(line, "batchjac: error: ", "stderr");
      assertContains(line, "row 17", "stderr names the row");
      assertContains(line, "'Tu'", "stderr names the column");
      assertFalse(run.err().contains("\tat "), "no stack trace");
      assertEquals(List.of(), CliSupport.list(outDir), "nothing left behind by " + name);
    }
  }

  @Test
  void nullCellInParquetNamesRowAndColumn() throws IOException {
    Graph f = graph("mlp.fn");
    int b = 60;
    double[] x = rows(36, b, 16, -2, 2);
    StructType schema = new StructType().add("x", DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < b; s++) {
      List<Double> v = new ArrayList<>();
      for (int j = 0; j < 16; j++) {
        v.add(s == 42 && j == 5 ? null : x[s * 16 + j]);
      }
      rows.add(RowFactory.create(s == 13 ? null : v));
    }
    Path parquet = dir.resolve("holes.parquet");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(parquet.toString());
    Path outDir = Files.createDirectory(dir.resolve("out"));
    CliSupport.Run run = cli("jacobian", "--spec", spec("mlp.fn"), "--input", parquet,
        "--output", outDir.resolve("J.npy"), "--master", "local[2]");
    assertEquals(1, run.status(), run::toString);
    assertEquals(1, run.errLines().size(), run::toString);
    String line = run.errLines().get(0);
    assertContains(line, "row 13", "stderr names the first bad row");
    assertContains(line, "'x'", "stderr names the column");
    assertEquals(List.of(), CliSupport.list(outDir));
  }
}
