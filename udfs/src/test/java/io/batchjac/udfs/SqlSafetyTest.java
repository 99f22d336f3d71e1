package io.batchjac.udfs;

import static io.batchjac.udfs.TestSupport.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
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
 * A session as a shared deployment runs it: SQL specs may read only under one directory, with
 * small limits on inline specs and files. Every refused query is followed by a good one in the
 * same session; queries run at once from several threads agree with serial runs.
 */
class SqlSafetyTest {
  @TempDir static Path root;
  private static Path allowed;
  private static Path outside;
  private static SparkSession spark;

  private static final String SECRET_LINE = "root:*:0:0:root:/root:/bin/sh";

  @BeforeAll
  static void start() throws Exception {
    allowed = Files.createDirectories(root.resolve("allowed"));
    outside = Files.createDirectories(root.resolve("outside"));
    Npy.write(allowed.resolve("w.npy"), Tensor.of(Shape.of(2), new double[] {3, 4}));
    Npy.write(outside.resolve("secret.npy"), Tensor.of(Shape.of(2), new double[] {1234.5, 6789.5}));
    Files.writeString(outside.resolve("f.fn"), "input x\noutput 2 * x\n");
    Files.writeString(outside.resolve("m.onnx"), "not a model");
    Files.writeString(allowed.resolve("passwd.npy"), SECRET_LINE + "\n");
    Files.writeString(allowed.resolve("scale.fn"), "param W = load(\"w.npy\")\ninput x\noutput W * x\n");
    Files.writeString(allowed.resolve("bad.fn"), "input x\noutput topsecret(x)\n");
    Files.createSymbolicLink(allowed.resolve("link.npy"), outside.resolve("secret.npy"));
    Files.createSymbolicLink(allowed.resolve("linked.fn"), outside.resolve("f.fn"));
    Npy.write(allowed.resolve("big.npy"), Tensor.of(Shape.of(1000), new double[1000]));
    spark = TestSupport.localBuilder("SqlSafetyTest").withExtensions(new BatchjacExtensions())
        .config(SafetyConf.FILES_ALLOWED, allowed.toString())
        .config(SafetyConf.FILE_BYTES, "4k")
        .config(SafetyConf.INLINE_SPEC_BYTES, "2k")
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    TestSupport.stop(spark);
  }

  /** The full message chain of a failed query. */
  private static String refused(String query) {
    Exception e = assertThrows(Exception.class, () -> spark.sql(query).collectAsList());
    StringBuilder sb = new StringBuilder();
    for (Throwable c = e; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }

  /** A query that must work right after a refused one, in the same session. */
  private static void stillWorks() {
    Row r = spark.sql("SELECT evaluate('input x; output x + 1', array(1.0D))").first();
    assertArrayEquals(new double[] {2}, vector(r.get(0)));
  }

  private static String load(Path p) {
    return "param W = load(\"" + p + "\"); input x; output W * x";
  }

  @Test
  void loadsInsideTheAllowedDirectoryWork() {
    assertArrayEquals(new double[] {6, 8},
        vector(spark.sql("SELECT evaluate('" + load(allowed.resolve("w.npy")) + "', array(2.0D))").first().get(0)));
    assertArrayEquals(new double[] {6, 8},
        vector(spark.sql("SELECT evaluate('" + allowed.resolve("scale.fn") + "', array(2.0D))").first().get(0)));
  }

  @Test
  void loadsOutsideAreRefusedViaDotDotAndViaSymlinks() {
    String dotDot = refused("SELECT evaluate('" + load(allowed.resolve("../outside/secret.npy")) + "', array(1.0D))");
    assertTrue(dotDot.contains("evaluate: <inline>:1:16: cannot load"), dotDot);
    assertTrue(dotDot.contains("not inside the directories specs here may read (" + realAllowed() + "; set "
        + SafetyConf.FILES_ALLOWED), dotDot);
    assertFalse(dotDot.contains("1234.5"), dotDot);
    stillWorks();
    String link = refused("SELECT evaluate('" + load(allowed.resolve("link.npy")) + "', array(1.0D))");
    assertTrue(link.contains("link.npy: not inside the directories specs here may read"), link);
    stillWorks();
  }

  @Test
  void specAndModelPathsOutsideAreRefused() {
    String fn = refused("SELECT evaluate('" + outside.resolve("f.fn") + "', array(1.0D))");
    assertTrue(fn.contains("evaluate: " + outside.resolve("f.fn") + ": not inside the directories"), fn);
    String viaLink = refused("SELECT evaluate('" + allowed.resolve("linked.fn") + "', array(1.0D))");
    assertTrue(viaLink.contains("linked.fn: not inside the directories"), viaLink);
    String dotDot = refused("SELECT evaluate('" + allowed + "/../outside/f.fn', array(1.0D))");
    assertTrue(dotDot.contains("not inside the directories"), dotDot);
    String onnx = refused("SELECT jacobian('" + outside.resolve("m.onnx") + "', array(1.0D))");
    assertTrue(onnx.contains("m.onnx: not inside the directories"), onnx);
    // a path that does not exist outside gets the same answer as one that does
    String absent = refused("SELECT evaluate('" + outside.resolve("absent.fn") + "', array(1.0D))");
    assertTrue(absent.contains("absent.fn: not inside the directories"), absent);
    stillWorks();
  }

  @Test
  void aFileThatIsNotNpyIsRefusedWithoutAByteOfIt() {
    String m = refused("SELECT evaluate('" + load(allowed.resolve("passwd.npy")) + "', array(1.0D))");
    assertTrue(m.contains("not a .npy file: expected a NumPy array file"), m);
    assertFalse(m.contains("root") || m.contains("72 6f 6f 74") || m.contains("/bin/sh"), m);
    stillWorks();
  }

  @Test
  void aSpecFileErrorShowsItsPositionOnly() {
    String m = refused("SELECT evaluate('" + allowed.resolve("bad.fn") + "', array(1.0D))");
    assertTrue(m.contains("bad.fn:2:8: the spec file does not compile (the problem is not shown to SQL users"), m);
    assertFalse(m.contains("topsecret"), m);
    stillWorks();
  }

  @Test
  void setInASessionDoesNotLiftThePolicyOrTheLimits() {
    SparkSession other = spark.newSession();
    other.sql("SET " + SafetyConf.FILES_ALLOWED + "=/");
    other.conf().set(SafetyConf.RESULT_VALUES, "1000000000000");
    Exception e = assertThrows(Exception.class, () -> other.sql(
        "SELECT evaluate('" + load(outside.resolve("secret.npy")) + "', array(1.0D))").collectAsList());
    assertTrue(e.getMessage().contains("not inside the directories"), e.getMessage());
    Exception big = assertThrows(Exception.class, () -> other.sql(
        "SELECT jacobian('input x[5000]; output sin(x)', array_repeat(1.0D, 5000))").collectAsList());
    assertTrue(big.getMessage().contains(SafetyConf.RESULT_VALUES), big.getMessage());
  }

  @Test
  void aResultOverTheLimitIsRefusedBeforeAnythingRuns() {
    String m = refused("SELECT size(jacobian('input x[5000]; output sin(x)', array_repeat(1.0D, 5000)))");
    assertTrue(m.contains("jacobian: one row's result would have 25000000 values (5000 x 5000 derivatives, 190.7 MiB), "
        + "more than the limit of 16777216 values per row; the operator raises spark.batchjac.limits.resultValues "
        + "when the application starts"), m);
    assertFalse(m.contains("FAILED_EXECUTE_UDF"), "refused when analyzed, not when run: " + m);
    stillWorks();
    String hessian = refused("SELECT hessian('input x[4200]; output sum(x^2)', array_repeat(1.0D, 4200))");
    assertTrue(hessian.contains("hessian: one row's result would have 17640000 values (4200 x 4200 derivatives"), hessian);
    stillWorks();
  }

  @Test
  void aSpecColumnIsCheckedRowByRow() {
    String m = refused("SELECT size(jacobian(s, x)) FROM VALUES ('input x[5000]; output sin(x)', array_repeat(1.0D, 5000)) "
        + "AS t(s, x)");
    assertTrue(m.contains("jacobian: one row's result would have 25000000 values"), m);
    stillWorks();
    String file = refused("SELECT evaluate(s, array(1.0D)) FROM VALUES ('" + outside.resolve("f.fn") + "') AS t(s)");
    assertTrue(file.contains("f.fn: not inside the directories"), file);
    stillWorks();
    List<Row> ok = spark.sql("SELECT evaluate(s, array(2.0D)) FROM VALUES ('" + allowed.resolve("scale.fn") + "'), "
        + "('input x; output x * 10') AS t(s)").collectAsList();
    assertArrayEquals(new double[] {6, 8}, vector(ok.get(0).get(0)));
    assertArrayEquals(new double[] {20}, vector(ok.get(1).get(0)));
  }

  @Test
  void largeInlineSpecsAndLargeFilesAreRefused() {
    String spec = "input x; output x" + " + 0 * x".repeat(300);
    String inline = refused("SELECT evaluate('" + spec + "', array(1.0D))");
    assertTrue(inline.contains("evaluate: the inline spec has 2417 bytes, more than the limit of 2048 bytes; the "
        + "operator raises spark.batchjac.limits.inlineSpecBytes"), inline);
    stillWorks();
    String file = refused("SELECT evaluate('" + load(allowed.resolve("big.npy")) + "', array(1.0D))");
    assertTrue(file.contains("big.npy: the file has 8128 bytes, more than the limit of 4096 bytes for a file a spec "
        + "reads (raise spark.batchjac.limits.fileBytes"), file);
    stillWorks();
  }

  @Test
  void theTransformerFollowsThePolicyAndTheLimits() {
    IllegalArgumentException outsideSpec = assertThrows(IllegalArgumentException.class,
        () -> new DerivativeTransformer().setSpec(outside.resolve("f.fn").toString()));
    assertTrue(outsideSpec.getMessage().contains("not inside the directories"), outsideSpec.getMessage());
    IllegalArgumentException outsideLoad = assertThrows(IllegalArgumentException.class,
        () -> new DerivativeTransformer().setSpec(load(outside.resolve("secret.npy"))));
    assertTrue(outsideLoad.getMessage().contains("not inside the directories"), outsideLoad.getMessage());

    StructType schema = new StructType().add("x", DataTypes.createArrayType(DataTypes.DoubleType));
    double[] x = new double[5000];
    Dataset<Row> df = spark.createDataFrame(List.of(RowFactory.create((Object) toList(x))), schema);
    DerivativeTransformer big = new DerivativeTransformer().setSpec("input x[5000]; output sin(x)").setInputCol("x")
        .setOutputCol("j");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> big.transform(df));
    assertTrue(e.getMessage().contains("(mode jacobian): one row's result would have 25000000 values"), e.getMessage());

    DerivativeTransformer ok = new DerivativeTransformer().setSpec(allowed.resolve("scale.fn").toString())
        .setInputCol("x").setOutputCol("y").setMode("eval");
    Dataset<Row> one = spark.createDataFrame(List.of(RowFactory.create((Object) toList(new double[] {2}))), schema);
    assertArrayEquals(new double[] {6, 8}, vector(ok.transform(one).first().getAs("y")));
  }

  private static List<Double> toList(double[] v) {
    List<Double> l = new ArrayList<>();
    for (double d : v) {
      l.add(d);
    }
    return l;
  }

  @Test
  void concurrentQueriesAgreeWithSerialRuns() throws Exception {
    String[] specs = {
        "input x[3]; output sin(x) * x[0]",
        "input x[3]; output sum(x^2) + cos(x[1])",
        allowed.resolve("scale.fn").toString(),
    };
    List<String> queries = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      String spec = specs[i % specs.length];
      int width = spec.endsWith(".fn") ? 1 : 3;
      String fn = i % 2 == 0 ? "jacobian" : "evaluate";
      queries.add("SELECT to_json(" + fn + "('" + spec + "', array_repeat(CAST(id AS DOUBLE) / 7, " + width + "))) "
          + "FROM range(" + (100 + i) + ") ORDER BY id");
    }
    List<List<String>> serial = new ArrayList<>();
    for (String q : queries) {
      serial.add(strings(spark, q));
    }
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<String>>> at = new ArrayList<>();
      for (String q : queries) {
        at.add(pool.submit(() -> strings(spark.newSession(), q)));
        at.add(pool.submit(() -> strings(spark, q)));
      }
      for (int i = 0; i < at.size(); i++) {
        assertEquals(serial.get(i / 2), at.get(i).get(), queries.get(i / 2));
      }
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<String> strings(SparkSession s, String q) {
    return s.sql(q).collectAsList().stream().map(r -> r.getString(0)).toList();
  }

  @Test
  void editedSpecFilesAndLoadedFilesAreReadAgain() throws Exception {
    Path fn = allowed.resolve("edit.fn");
    Path w = allowed.resolve("edit.npy");
    Files.writeString(fn, "param W = load(\"edit.npy\")\ninput x\noutput W * x\n");
    Npy.write(w, Tensor.of(Shape.of(1), new double[] {5}));
    String q = "SELECT evaluate('" + fn + "', array(1.0D))";
    assertArrayEquals(new double[] {5}, vector(spark.sql(q).first().get(0)));
    Npy.write(w, Tensor.of(Shape.of(1), new double[] {7}));
    Files.setLastModifiedTime(w, FileTime.fromMillis(Files.getLastModifiedTime(w).toMillis() + 2000));
    assertArrayEquals(new double[] {7}, vector(spark.sql(q).first().get(0)), "the loaded file changed");
    Files.writeString(fn, "param W = load(\"edit.npy\")\ninput x\noutput W * x + 1\n");
    assertArrayEquals(new double[] {8}, vector(spark.sql(q).first().get(0)), "the spec file changed");
  }

  private static Path realAllowed() {
    try {
      return allowed.toRealPath();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
