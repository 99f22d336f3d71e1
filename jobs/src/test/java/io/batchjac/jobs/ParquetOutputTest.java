package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.ENGINE;
import static io.batchjac.jobs.CliSupport.batch;
import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.graph;
import static io.batchjac.jobs.CliSupport.rows;
import static io.batchjac.jobs.CliSupport.spec;
import static io.batchjac.jobs.CliSupport.writeC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --output X.parquet}: one row per sample with {@code id} 0..B-1, {@code value} (M values)
 * and the derivative column, each bitwise the in-process engine's values for that sample.
 */
class ParquetOutputTest {
  static final int B = 400;
  static final Graph MLP = graph("mlp.fn");

  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = CliSupport.startSpark("ParquetOutputTest");
  }

  @AfterAll
  static void stopSpark() {
    CliSupport.stopSpark(spark);
  }

  /** The rows of a written result, by id, after checking the ids are exactly 0..B-1. */
  private List<Row> readRows(Path out, int b, String... columns) {
    assertTrue(Files.isDirectory(out), out + " is a directory");
    Dataset<Row> df = spark.read().parquet(out.toString());
    assertEquals(List.of(columns), List.of(df.columns()), "columns");
    assertEquals(DataTypes.LongType, df.schema().apply("id").dataType(), "id type");
    assertEquals("array<double>", df.schema().apply("value").dataType().simpleString(), "value type");
    List<Row> rows = df.orderBy("id").collectAsList();
    assertEquals(b, rows.size(), "rows");
    for (int i = 0; i < b; i++) {
      assertEquals(i, rows.get(i).getLong(0), "id of row " + i);
    }
    return rows;
  }

  private static double[] doubles(Object seq) {
    List<Object> l = scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) seq);
    double[] d = new double[l.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = (Double) l.get(i);
    }
    return d;
  }

  /** Asserts a row's array column equals {@code count} values of {@code data} from {@code offset}. */
  private static void assertVector(Row row, int col, double[] data, int offset, int count, String what) {
    double[] got = doubles(row.getSeq(col));
    assertEquals(count, got.length, what + ": length");
    CliSupport.assertBitwiseEquals(java.util.Arrays.copyOfRange(data, offset, offset + count), got, what);
  }

  /** Asserts a row's array<array<double>> column is the Fortran (r, c) block at {@code offset}: [i][j]. */
  private static void assertMatrix(Row row, int col, double[] data, int offset, int r, int c, String what) {
    List<Object> outer = scala.jdk.javaapi.CollectionConverters.asJava(row.<Object>getSeq(col));
    assertEquals(r, outer.size(), what + ": rows");
    for (int i = 0; i < r; i++) {
      double[] got = doubles(outer.get(i));
      assertEquals(c, got.length, what + ": columns of row " + i);
      double[] expected = new double[c];
      for (int j = 0; j < c; j++) {
        expected[j] = data[offset + i + r * j];
      }
      CliSupport.assertBitwiseEquals(expected, got, what + "[" + i + "]");
    }
  }

  @Test
  void jacobianRows() throws IOException {
    double[] x = rows(21, B, 16, -2, 2);
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    Path out = dir.resolve("J.parquet");
    CliSupport.Run run = cli("jacobian", "--spec", spec("mlp.fn"), "--input", in, "--output", out,
        "--partitions", 3, "--master", "local[2]").ok();
    CliSupport.assertContains(run.out(), "Parquet", "summary line");
    Dataset<Row> df = spark.read().parquet(out.toString());
    // (Spark reads every column of a file source back as nullable: compare the types only)
    assertEquals("array<array<double>>", df.schema().apply("jacobian").dataType().simpleString(), "jacobian type");
    assertEquals("array<double>", df.schema().apply("value").dataType().simpleString(), "value type");
    Tensor j = ENGINE.batchedJacobian(MLP, Backend.auto(), batch(x, B, 16));
    Tensor f = ENGINE.evaluate(MLP, batch(x, B, 16));
    List<Row> rows = readRows(out, B, "id", "value", "jacobian");
    for (int b = 0; b < B; b++) {
      assertVector(rows.get(b), 1, f.data(), 8 * b, 8, "value of sample " + b);
      assertMatrix(rows.get(b), 2, j.data(), 8 * 16 * b, 8, 16, "jacobian of sample " + b);
    }
    assertEquals(List.of("J.parquet", "x.npy"), CliSupport.listSettled(dir), "no temporary directory left");
  }

  @Test
  void jacobianRowsOnSamplesNonSquare() throws IOException {
    // borehole: (1, 8) per sample, so [m][n] is one row of 8 (a transposition would show)
    Graph g = graph("borehole.fn");
    Path out = dir.resolve("J.parquet");
    cli("jacobian", "--spec", spec("borehole.fn"), "--samples", B, "--seed", 8, "--output", out,
        "--master", "local[2]").ok();
    double[] x = new Sampler(g, 8).draw(0, B);
    Tensor j = ENGINE.batchedJacobian(g, Backend.auto(), batch(x, B, 8));
    Tensor f = ENGINE.evaluate(g, batch(x, B, 8));
    List<Row> rows = readRows(out, B, "id", "value", "jacobian");
    for (int b = 0; b < B; b++) {
      assertVector(rows.get(b), 1, f.data(), b, 1, "value of sample " + b);
      assertMatrix(rows.get(b), 2, j.data(), 8 * b, 1, 8, "jacobian of sample " + b);
    }
  }

  @Test
  void jvpRows() throws IOException {
    double[] x = rows(22, B, 16, -2, 2);
    double[] u = rows(23, B, 16, -1, 1);
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    Path tangent = writeC(dir.resolve("u.npy"), u, B, 16);
    Path out = dir.resolve("jvp.parquet");
    cli("jvp", "--spec", spec("mlp.fn"), "--input", in, "--tangent", tangent, "--output", out,
        "--master", "local[2]").ok();
    Dataset<Row> df = spark.read().parquet(out.toString());
    assertEquals("array<double>", df.schema().apply("jvp").dataType().simpleString(), "jvp type");
    Tensor jvp = ENGINE.jvp(MLP, Backend.auto(), batch(x, B, 16), batch(u, B, 16));
    Tensor f = ENGINE.evaluate(MLP, batch(x, B, 16));
    List<Row> rows = readRows(out, B, "id", "value", "jvp");
    for (int b = 0; b < B; b++) {
      assertVector(rows.get(b), 1, f.data(), 8 * b, 8, "value of sample " + b);
      assertVector(rows.get(b), 2, jvp.data(), 8 * b, 8, "jvp of sample " + b);
    }
  }

  @Test
  void vjpAndHessianRows() throws IOException {
    double[] x = rows(24, B, 8, -2, 2);
    double[] v = rows(25, B, 1, -1, 1);
    Graph g = graph("scalar_mlp.fn");
    Path in = writeC(dir.resolve("x.npy"), x, B, 8);
    Path cot = writeC(dir.resolve("v.npy"), v, B, 1);
    Path vOut = dir.resolve("vjp.parquet");
    cli("vjp", "--spec", spec("scalar_mlp.fn"), "--input", in, "--cotangent", cot, "--output", vOut,
        "--master", "local[2]").ok();
    Path hOut = dir.resolve("H.parquet");
    cli("hessian", "--spec", spec("scalar_mlp.fn"), "--input", in, "--output", hOut, "--master", "local[2]").ok();
    Tensor f = ENGINE.evaluate(g, batch(x, B, 8));
    Tensor vjp = ENGINE.vjp(g, Backend.auto(), batch(x, B, 8), batch(v, B, 1));
    Tensor h = ENGINE.hessian(g, batch(x, B, 8));
    List<Row> vRows = readRows(vOut, B, "id", "value", "vjp");
    List<Row> hRows = readRows(hOut, B, "id", "value", "hessian");
    for (int b = 0; b < B; b++) {
      assertVector(vRows.get(b), 1, f.data(), b, 1, "value of sample " + b);
      assertVector(vRows.get(b), 2, vjp.data(), 8 * b, 8, "vjp of sample " + b);
      assertVector(hRows.get(b), 1, f.data(), b, 1, "value of sample " + b);
      assertMatrix(hRows.get(b), 2, h.data(), 64 * b, 8, 8, "hessian of sample " + b);
    }
  }

  @Test
  void evalRows() throws IOException {
    double[] x = rows(26, B, 16, -2, 2);
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    Path out = dir.resolve("f.parquet");
    cli("eval", "--spec", spec("mlp.fn"), "--input", in, "--output", out, "--master", "local[2]").ok();
    StructType schema = spark.read().parquet(out.toString()).schema();
    assertEquals("array<double>", schema.apply("value").dataType().simpleString(), "value type");
    Tensor f = ENGINE.evaluate(MLP, batch(x, B, 16));
    List<Row> rows = readRows(out, B, "id", "value");
    for (int b = 0; b < B; b++) {
      assertVector(rows.get(b), 1, f.data(), 8 * b, 8, "value of sample " + b);
    }
  }

  @Test
  void overwriteReplacesAParquetDirectory() throws IOException {
    double[] x = rows(27, B, 16, -2, 2);
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    Path out = dir.resolve("f.parquet");
    cli("jacobian", "--spec", spec("mlp.fn"), "--input", in, "--output", out, "--master", "local[2]").ok();
    CliSupport.Run again = cli("eval", "--spec", spec("mlp.fn"), "--input", in, "--output", out, "--master", "local[2]");
    assertEquals(1, again.status(), again::toString);
    CliSupport.assertContains(again.err(), "already exists", "stderr");
    cli("eval", "--spec", spec("mlp.fn"), "--input", in, "--output", out, "--overwrite", "--master", "local[2]").ok();
    readRows(out, B, "id", "value");
    assertEquals(List.of("f.parquet", "x.npy"), CliSupport.listSettled(dir));
  }

  /** Asserts a flat row-major column is the Fortran (r, c) block at {@code offset}: element (i, j) at i * c + j. */
  private static void assertRowMajor(Row row, int col, double[] data, int offset, int r, int c, String what) {
    double[] got = doubles(row.getSeq(col));
    assertEquals(r * c, got.length, what + ": length");
    double[] expected = new double[r * c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        expected[i * c + j] = data[offset + i + r * j];
      }
    }
    CliSupport.assertBitwiseEquals(expected, got, what);
  }

  /** The flat column's metadata as Spark reads it back from the files. */
  private void assertFlatMetadata(Path out, String column, long rows, long cols) {
    org.apache.spark.sql.types.StructField field = spark.read().parquet(out.toString()).schema().apply(column);
    assertEquals("array<double>", field.dataType().simpleString(), column + " type");
    assertEquals(rows, field.metadata().getLong("rows"), column + " rows in the metadata");
    assertEquals(cols, field.metadata().getLong("cols"), column + " cols in the metadata");
    assertEquals("row-major", field.metadata().getString("layout"), column + " layout in the metadata");
  }

  @Test
  void flatJacobianRowsAreRowMajorWithTheirShapeInTheMetadata() throws IOException {
    double[] x = rows(28, B, 16, -2, 2);
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    Path out = dir.resolve("J.parquet");
    CliSupport.Run run = cli("jacobian", "--spec", spec("mlp.fn"), "--input", in, "--output", out,
        "--parquet-layout", "flat", "--partitions", 3, "--master", "local[2]").ok();
    CliSupport.assertContains(run.out(), "flat row-major array<double> of 8x16", "summary line");
    assertFlatMetadata(out, "jacobian", 8, 16);
    Tensor j = ENGINE.batchedJacobian(MLP, Backend.auto(), batch(x, B, 16));
    Tensor f = ENGINE.evaluate(MLP, batch(x, B, 16));
    List<Row> rows = readRows(out, B, "id", "value", "jacobian");
    for (int b = 0; b < B; b++) {
      assertVector(rows.get(b), 1, f.data(), 8 * b, 8, "value of sample " + b);
      assertRowMajor(rows.get(b), 2, j.data(), 8 * 16 * b, 8, 16, "jacobian of sample " + b);
    }
    // SQL reads element (m, n) as jacobian[m * cols + n] (0-based), here (m, n) = (3, 5) of sample 7
    spark.read().parquet(out.toString()).createOrReplaceTempView("flat_j");
    double viaSql = spark.sql("SELECT element_at(jacobian, 3 * 16 + 5 + 1) FROM flat_j WHERE id = 7").first().getDouble(0);
    assertEquals(Double.doubleToRawLongBits(j.data()[8 * 16 * 7 + 3 + 8 * 5]), Double.doubleToRawLongBits(viaSql));
    assertEquals(List.of("J.parquet", "x.npy"), CliSupport.listSettled(dir), "no temporary directory left");
  }

  @Test
  void flatHessianAndFlatVectorsAsInTheNestedLayout() throws IOException {
    double[] x = rows(29, B, 8, -2, 2);
    Graph g = graph("scalar_mlp.fn");
    Path in = writeC(dir.resolve("x.npy"), x, B, 8);
    Path hOut = dir.resolve("H.parquet");
    cli("hessian", "--spec", spec("scalar_mlp.fn"), "--input", in, "--output", hOut, "--parquet-layout", "FLAT",
        "--master", "local[2]").ok();
    assertFlatMetadata(hOut, "hessian", 8, 8);
    Tensor h = ENGINE.hessian(g, batch(x, B, 8));
    List<Row> hRows = readRows(hOut, B, "id", "value", "hessian");
    for (int b = 0; b < B; b++) {
      assertRowMajor(hRows.get(b), 2, h.data(), 64 * b, 8, 8, "hessian of sample " + b);
    }
    Path fOut = dir.resolve("f.parquet");
    cli("eval", "--spec", spec("scalar_mlp.fn"), "--input", in, "--output", fOut, "--parquet-layout", "flat",
        "--master", "local[2]").ok();
    assertTrue(spark.read().parquet(fOut.toString()).schema().apply("value").metadata().json().equals("{}"),
        "vectors carry no matrix metadata");
  }

  @Test
  void anUnknownParquetLayoutIsOneClearError() throws IOException {
    Path out = dir.resolve("J.parquet");
    CliSupport.Run run = cli("jacobian", "--spec", spec("mlp.fn"), "--samples", 10, "--output", out,
        "--parquet-layout", "diagonal", "--master", "local[2]");
    assertEquals(1, run.status(), run::toString);
    CliSupport.assertContains(run.err(), "batchjac: error: --parquet-layout must be nested or flat, got 'diagonal'", "stderr");
    assertTrue(Files.notExists(out), "no output");
  }
}
