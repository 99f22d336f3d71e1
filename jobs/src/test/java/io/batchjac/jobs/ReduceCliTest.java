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
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Reduce;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
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
 * {@code --reduce sum|mean} end to end on one local[2] session: bitwise the same file for 1, 3, 8
 * and the default number of partitions and for a Parquet table input, and the same bits as
 * {@code Engine.reduced} in this JVM; every operation's reduction equal (to rounding) to its
 * unreduced output summed over the batch axis; the one-row Parquet output; the summary line;
 * and the errors.
 */
class ReduceCliTest {
  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = CliSupport.startSpark("ReduceCliTest");
  }

  @AfterAll
  static void stopSpark() {
    CliSupport.stopSpark(spark);
  }

  private static CliSupport.Run run(Object... args) {
    List<Object> a = new ArrayList<>(Arrays.asList(args));
    a.addAll(List.of("--master", "local[2]"));
    return cli(a.toArray());
  }

  @Test
  void theMeanIsBitwiseTheSameForAnyPartitioningAndAsTheEngine() throws IOException {
    int b = 40_000; // 10 blocks of 4096: partition borders fall inside the merge tree
    byte[] first = null;
    CliSupport.Run last = null;
    for (int p : new int[] {1, 3, 8, 0}) {
      Path out = dir.resolve("mean-p" + p + ".npy");
      last = run("jacobian", "--spec", spec("mlp.fn"), "--samples", b, "--seed", 3, "--reduce", "mean", "--partitions", p,
          "--output", out).ok();
      byte[] bytes = Files.readAllBytes(out);
      if (first == null) {
        first = bytes;
      } else {
        assertArrayEquals(first, bytes, "--partitions " + p + " differs from --partitions 1");
      }
    }
    Graph f = graph("mlp.fn");
    Tensor x = batch(new Sampler(f, 3).draw(0, b), b, 16);
    assertNpyEquals(ENGINE.reduced(Reduce.MEAN).batchedJacobian(f, Backend.auto(), x), dir.resolve("mean-p1.npy"), 8, 16);
    String line = last.out().strip();
    assertContains(line, "jacobian: 40,000 samples in ", "the summary line");
    assertContains(line, "-> " + dir.resolve("mean-p0.npy") + " (8, 16) float64, Fortran order: the mean over the batch, 4 partitions, blocks of 4096 samples", "the summary line");
    assertEquals(List.of("mean-p0.npy", "mean-p1.npy", "mean-p3.npy", "mean-p8.npy"), CliSupport.listSettled(dir));
  }

  /** The unreduced .npy output summed over its last (batch) axis. */
  private static double[] sumOverBatch(Path file) throws IOException {
    Tensor t = Npy.read(file);
    int[] d = t.shape().dims();
    int b = d[d.length - 1];
    int per = t.size() / b;
    double[] s = new double[per];
    for (int k = 0; k < b; k++) {
      for (int j = 0; j < per; j++) {
        s[j] += t.data()[k * per + j];
      }
    }
    return s;
  }

  /** Runs {@code args} unreduced and with --reduce sum; checks shape and values; returns the sum. */
  private double[] assertSumsTheUnreducedOutput(String name, int[] dims, Object... args) throws IOException {
    Path full = dir.resolve(name + "-full.npy");
    Path sum = dir.resolve(name + "-sum.npy");
    List<Object> unreduced = new ArrayList<>(Arrays.asList(args));
    unreduced.addAll(List.of("--output", full));
    run(unreduced.toArray()).ok();
    List<Object> reduced = new ArrayList<>(Arrays.asList(args));
    reduced.addAll(List.of("--output", sum, "--reduce", "sum", "--partitions", 3));
    run(reduced.toArray()).ok();
    Tensor got = Npy.read(sum);
    assertArrayEquals(dims, got.shape().dims(), name + ": shape");
    assertEquals(Tensor.Order.F, got.order(), name);
    double[] expected = sumOverBatch(full);
    double scale = Arrays.stream(expected).map(Math::abs).max().orElse(0) + 1e-300;
    for (int j = 0; j < expected.length; j++) {
      assertEquals(expected[j], got.data()[j], 1e-12 * scale * 1000, name + ": value " + j);
    }
    return got.data();
  }

  @Test
  void everyOperationSumsItsPerSampleOutput() throws IOException {
    int b = 9_000;
    double[] xr = rows(7, b, 16, -2, 2);
    Path x = writeC(dir.resolve("x.npy"), xr, b, 16);
    Path u = writeC(dir.resolve("u.npy"), rows(8, b, 16, -1, 1), b, 16);
    Path v = writeC(dir.resolve("v.npy"), rows(9, b, 8, -1, 1), b, 8);
    Path x8 = writeC(dir.resolve("x8.npy"), rows(10, b, 8, -1, 1), b, 8);
    Graph f = graph("mlp.fn");
    Tensor xt = batch(xr, b, 16);
    double[] eval = assertSumsTheUnreducedOutput("eval", new int[] {8}, "eval", "--spec", spec("mlp.fn"), "--input", x);
    CliSupport.assertBitwiseEquals(ENGINE.reduced(Reduce.SUM).evaluate(f, xt).data(), eval, "eval: the engine's sum");
    assertSumsTheUnreducedOutput("jvp", new int[] {8}, "jvp", "--spec", spec("mlp.fn"), "--input", x, "--tangent", u);
    assertSumsTheUnreducedOutput("vjp", new int[] {16}, "vjp", "--spec", spec("mlp.fn"), "--input", x, "--cotangent", v);
    double[] jw = assertSumsTheUnreducedOutput("jacobian-wrt", new int[] {8, 64 + 8}, "jacobian", "--spec", spec("mlp.fn"),
        "--input", x, "--wrt", "b2,b3");
    CliSupport.assertBitwiseEquals(
        ENGINE.reduced(Reduce.SUM).batchedJacobian(f, Backend.auto(), Engine.Wrt.params("b2", "b3"), xt).data(), jw,
        "jacobian --wrt b2,b3: the engine's sum");
    assertSumsTheUnreducedOutput("hessian", new int[] {8, 8}, "hessian", "--spec", spec("scalar_mlp.fn"), "--input", x8);
  }

  @Test
  void aTableInputGivesTheSameBitsAndParquetOutputIsOneRow() throws IOException {
    int b = 9_000;
    double[] xr = rows(11, b, 16, -2, 2);
    Path npy = writeC(dir.resolve("x.npy"), xr, b, 16);
    StructType schema = new StructType().add("x", DataTypes.createArrayType(DataTypes.DoubleType));
    List<Row> rows = new ArrayList<>();
    for (int s = 0; s < b; s++) {
      List<Double> r = new ArrayList<>();
      for (int j = 0; j < 16; j++) {
        r.add(xr[s * 16 + j]);
      }
      rows.add(RowFactory.create(r));
    }
    Path table = dir.resolve("x.parquet");
    spark.createDataFrame(rows, schema).coalesce(1).write().parquet(table.toString());
    Path fromNpy = dir.resolve("npy.npy");
    Path fromTable = dir.resolve("table.npy");
    run("jacobian", "--spec", spec("mlp.fn"), "--input", npy, "--reduce", "mean", "--output", fromNpy).ok();
    run("jacobian", "--spec", spec("mlp.fn"), "--input", table, "--reduce", "mean", "--partitions", 3, "--output", fromTable).ok();
    assertArrayEquals(Files.readAllBytes(fromNpy), Files.readAllBytes(fromTable), "a table input and the .npy of its rows");

    Path pq = dir.resolve("jac.parquet");
    CliSupport.Run r = run("jacobian", "--spec", spec("mlp.fn"), "--input", npy, "--reduce", "mean", "--output", pq).ok();
    assertContains(r.out(), "(Parquet, one row: samples, reduce, jacobian): the mean over the batch", "the summary line");
    List<Row> got = spark.read().parquet(pq.toString()).collectAsList();
    assertEquals(1, got.size(), "one row");
    Row row = got.get(0);
    assertEquals(List.of("samples", "reduce", "jacobian"), Arrays.asList(row.schema().fieldNames()));
    assertEquals(b, row.getLong(0));
    assertEquals("mean", row.getString(1));
    Tensor j = Npy.read(fromNpy);
    List<Object> matrix = scala.jdk.javaapi.CollectionConverters.asJava(row.<Object>getSeq(2));
    assertEquals(8, matrix.size());
    for (int m = 0; m < 8; m++) {
      @SuppressWarnings("unchecked")
      List<Object> line = scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) matrix.get(m));
      assertEquals(16, line.size());
      for (int n = 0; n < 16; n++) {
        assertEquals(j.get(m, n), (double) line.get(n), 0.0, "jacobian[" + m + "][" + n + "]");
      }
    }
    Path vq = dir.resolve("eval.parquet");
    run("eval", "--spec", spec("mlp.fn"), "--input", npy, "--reduce", "sum", "--output", vq).ok();
    Row ev = spark.read().parquet(vq.toString()).collectAsList().get(0);
    assertEquals(List.of("samples", "reduce", "value"), Arrays.asList(ev.schema().fieldNames()));
    assertEquals("sum", ev.getString(1));
    assertEquals(8, ev.getSeq(2).size());
  }

  @Test
  void theSumOfNoSamplesIsZerosAndTheirMeanAnError() throws IOException {
    Path zero = dir.resolve("zero.npy");
    run("jacobian", "--spec", spec("mlp.fn"), "--samples", 0, "--reduce", "sum", "--output", zero).ok();
    Tensor t = Npy.read(zero);
    assertArrayEquals(new int[] {8, 16}, t.shape().dims());
    assertArrayEquals(new double[8 * 16], t.data());
    CliSupport.Run r = run("jacobian", "--spec", spec("mlp.fn"), "--samples", 0, "--reduce", "mean", "--output",
        dir.resolve("none.npy"));
    assertEquals(1, r.status(), r::toString);
    assertEquals(List.of("batchjac: error: --reduce mean over 0 samples is undefined: give at least one sample (or --reduce sum)"),
        r.errLines());
    assertEquals(List.of("zero.npy"), CliSupport.listSettled(dir), "no output left by the failure");
  }

  @Test
  void anUnknownReductionIsAUsageError() throws IOException {
    CliSupport.Run r = run("eval", "--spec", spec("mlp.fn"), "--samples", 10, "--reduce", "max", "--output",
        dir.resolve("e.npy"));
    assertEquals(2, r.status(), r::toString);
    assertContains(r.errLines().get(0), "Invalid value for option '--reduce': unknown reduction 'max': expected sum or mean",
        "the first stderr line");
    assertContains(r.err(), "Usage:", "stderr");
    assertFalse(r.err().contains("\tat "), r::toString);
    assertTrue(CliSupport.listSettled(dir).isEmpty(), "no output");
    CliSupport.Run bench = cli("bench", "--spec", spec("mlp.fn"), "--batch", 10, "--reduce", "avg");
    assertEquals(2, bench.status(), bench::toString);
    assertContains(bench.errLines().get(0), "unknown reduction 'avg'", "bench's first stderr line");
  }

  @Test
  void benchTimesTheReduction() {
    CliSupport.Run r = cli("bench", "--spec", spec("scalar_mlp.fn"), "--batch", 5000, "--op", "gradient", "--reduce", "mean",
        "--repeat", 1, "--warmup", 0, "--warmup-time", 0, "--json").ok();
    assertContains(r.out(), "\"op\": \"gradient\", \"reduce\": \"mean\"", "bench --json");
  }
}
