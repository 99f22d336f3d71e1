package io.batchjac.udfs;

import static io.batchjac.udfs.TestSupport.assertClose;
import static io.batchjac.udfs.TestSupport.matrix;
import static io.batchjac.udfs.TestSupport.vector;
import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The six SQL functions on a local[2] session built with {@code withExtensions}: from SQL text and
 * from the DataFrame API, against the in-process engine; nulls, NaN, wrong lengths, spec errors,
 * inline specs and .fn paths, {@code DESCRIBE FUNCTION}. Every test runs with
 * {@code spark.sql.ansi.enabled} true and false (what differs between the two: {@link AnsiModeTest}).
 */
@ParameterizedClass(name = "spark.sql.ansi.enabled={0}")
@ValueSource(booleans = {true, false})
class SqlFunctionsTest {
  private static final double TOL = 1e-12;
  private static SparkSession spark;
  private static String borehole;
  private static String mlp;
  private static final int ROWS = 6;
  private static double[][] bx;
  private static double[][] mx;
  private static double[][] mu;
  private static double[][] mv;

  @BeforeAll
  static void start() {
    spark = TestSupport.localBuilder("SqlFunctionsTest").withExtensions(new BatchjacExtensions()).getOrCreate();
    borehole = TestSupport.example("borehole.fn");
    mlp = TestSupport.example("mlp.fn");
    TestSupport.Samples samples = TestSupport.Samples.create(spark, "samples", 42, ROWS, true);
    bx = samples.bx();
    mx = samples.mx();
    mu = samples.mu();
    mv = samples.mv();
  }

  @AfterAll
  static void stop() {
    TestSupport.stop(spark);
  }

  @Parameter
  boolean ansi;

  @BeforeEach
  void mode() {
    spark.conf().set("spark.sql.ansi.enabled", ansi);
  }

  private static List<Row> sql(String q) {
    return spark.sql(q).collectAsList();
  }

  private static Graph graph(String spec) {
    return TestSupport.compiled(spec).graph();
  }

  // ------------------------------------------------------------------ values

  @Test
  void everyFunctionFromSqlEqualsTheEngine() {
    Engine e = TestSupport.engine();
    Graph b = graph(borehole);
    Graph m = graph(mlp);
    List<Row> rows = sql("SELECT id, gradient('" + borehole + "', bx) g, hessian('" + borehole + "', bx) h, "
        + "evaluate('" + borehole + "', bx) fb, jacobian('" + mlp + "', mx) j, jvp('" + mlp + "', mx, mu) jv, "
        + "vjp('" + mlp + "', mx, mv) vj, evaluate('" + mlp + "', mx) fm FROM samples ORDER BY id");
    assertEquals(ROWS, rows.size());
    for (Row row : rows) {
      int i = row.getInt(0);
      Tensor xb = Tensor.of(Shape.of(1, 8), bx[i]);
      Tensor xm = Tensor.of(Shape.of(1, 16), mx[i]);
      assertClose(e.gradient(b, Backend.auto(), xb).data(), vector(row.getAs("g")), TOL, "gradient row " + i);
      assertClose(TestSupport.rows(e.hessian(b, xb).data(), 8, 8), matrix(row.getAs("h")), TOL, "hessian row " + i);
      assertClose(e.evaluate(b, xb).data(), vector(row.getAs("fb")), TOL, "evaluate row " + i);
      assertClose(TestSupport.rows(e.batchedJacobian(m, Backend.auto(), xm).data(), 8, 16), matrix(row.getAs("j")),
          TOL, "jacobian row " + i);
      assertClose(e.jvp(m, Backend.auto(), xm, Tensor.of(Shape.of(1, 16), mu[i])).data(), vector(row.getAs("jv")),
          TOL, "jvp row " + i);
      assertClose(e.vjp(m, Backend.auto(), xm, Tensor.of(Shape.of(1, 8), mv[i])).data(), vector(row.getAs("vj")),
          TOL, "vjp row " + i);
      assertClose(e.evaluate(m, xm).data(), vector(row.getAs("fm")), TOL, "evaluate mlp row " + i);
    }
  }

  @Test
  void everyFunctionFromTheDataFrameApi() {
    Dataset<Row> df = spark.table("samples").orderBy("id");
    List<Row> viaApi = df.select(
        call_function("gradient", lit(borehole), col("bx")).as("g"),
        call_function("hessian", lit(borehole), col("bx")).as("h"),
        call_function("evaluate", lit(borehole), col("bx")).as("f"),
        call_function("jacobian", lit(mlp), col("mx")).as("j"),
        expr("jvp('" + mlp + "', mx, mu)").as("jv"),
        expr("vjp('" + mlp + "', mx, mv)").as("vj")).collectAsList();
    Engine e = TestSupport.engine();
    Graph b = graph(borehole);
    Graph m = graph(mlp);
    for (int i = 0; i < ROWS; i++) {
      Row row = viaApi.get(i);
      Tensor xb = Tensor.of(Shape.of(1, 8), bx[i]);
      Tensor xm = Tensor.of(Shape.of(1, 16), mx[i]);
      assertClose(e.gradient(b, Backend.auto(), xb).data(), vector(row.get(0)), TOL, "gradient");
      assertClose(TestSupport.rows(e.hessian(b, xb).data(), 8, 8), matrix(row.get(1)), TOL, "hessian");
      assertClose(e.evaluate(b, xb).data(), vector(row.get(2)), TOL, "evaluate");
      assertClose(TestSupport.rows(e.batchedJacobian(m, Backend.auto(), xm).data(), 8, 16), matrix(row.get(3)), TOL,
          "jacobian");
      assertClose(e.jvp(m, Backend.auto(), xm, Tensor.of(Shape.of(1, 16), mu[i])).data(), vector(row.get(4)), TOL, "jvp");
      assertClose(e.vjp(m, Backend.auto(), xm, Tensor.of(Shape.of(1, 8), mv[i])).data(), vector(row.get(5)), TOL, "vjp");
    }
  }

  @Test
  void inlineSpecsLiteralArraysAndCasts() {
    String s = TestSupport.SCALAR;
    Row r = sql("SELECT jacobian('" + s + "', array(1.0, 2.0)) j, gradient('" + s + "', array(1, 2)) gi, "
        + "gradient('" + s + "', array(cast(1 as float), cast(2 as float))) gf, "
        + "gradient('" + s + "', array(1L, 2L)) gl, hessian('" + s + "', array(1.0D, 2.0D)) h, "
        + "jvp('" + s + "', array(1.0, 2.0), array(1, 0)) jv, vjp('" + s + "', array(1.0, 2.0), array(2)) vj, "
        + "evaluate('" + s + "', array(1.0, 2.0)) f").get(0);
    double c = Math.cos(2);
    double sn = Math.sin(2);
    assertClose(new double[][] {{c, -sn}}, matrix(r.getAs("j")), TOL, "jacobian");
    for (String g : List.of("gi", "gf", "gl")) {
      assertClose(new double[] {c, -sn}, vector(r.getAs(g)), TOL, "gradient " + g);
    }
    assertClose(new double[][] {{0, -sn}, {-sn, -c}}, matrix(r.getAs("h")), TOL, "hessian");
    assertClose(new double[] {c}, vector(r.getAs("jv")), TOL, "jvp");
    assertClose(new double[] {2 * c, -2 * sn}, vector(r.getAs("vj")), TOL, "vjp");
    assertClose(new double[] {c}, vector(r.getAs("f")), TOL, "evaluate");
  }

  @Test
  void nullsGiveNullAndNaNGivesNaN() {
    String s = TestSupport.SCALAR;
    Row r = sql("SELECT gradient('" + s + "', null) a, jacobian('" + s + "', cast(null as array<double>)) b, "
        + "jvp('" + s + "', array(1.0, 2.0), null) c, vjp('" + s + "', null, array(1.0)) d, "
        + "gradient(cast(null as string), array(1.0, 2.0)) e, "
        + "gradient('" + s + "', array(double('NaN'), 2.0)) n, hessian('" + s + "', array(1.0, double('NaN'))) h, "
        + "evaluate('" + s + "', array(double('Infinity'), 0.0)) inf").get(0);
    for (String c : List.of("a", "b", "c", "d", "e")) {
      assertTrue(r.isNullAt(r.fieldIndex(c)), c + " is null");
    }
    double[] n = vector(r.getAs("n"));
    assertEquals(Math.cos(2), n[0], TOL, "d/dx0 = cos(x1) does not involve x0 = NaN");
    assertTrue(Double.isNaN(n[1]), "d/dx1 = -x0 sin(x1) involves x0 = NaN");
    double[][] h = matrix(r.getAs("h"));
    assertTrue(Double.isNaN(h[1][1]), "NaN in the Hessian");
    assertEquals(Double.POSITIVE_INFINITY, vector(r.getAs("inf"))[0]);

    // null rows among ordinary ones, through a table column (nullable elements: the boxed path)
    List<Row> rows = sql("SELECT id, gradient('" + borehole + "', CASE WHEN id % 2 = 0 THEN bx END) g "
        + "FROM samples ORDER BY id");
    for (Row row : rows) {
      assertEquals(row.getInt(0) % 2 == 0, !row.isNullAt(1), "row " + row.getInt(0));
    }
  }

  @Test
  void nanRowsNeverThrow() {
    List<Row> rows = sql("SELECT gradient('" + borehole + "', transform(bx, v -> double('NaN'))) g, "
        + "jacobian('" + mlp + "', transform(mx, v -> double('NaN'))) j FROM samples");
    for (Row row : rows) {
      for (double v : vector(row.get(0))) {
        assertTrue(Double.isNaN(v));
      }
      assertEquals(8, matrix(row.get(1)).length);
    }
  }

  @Test
  void wrongLengthsFailNamingFunctionLengthsAndPosition() {
    Exception shortX = assertThrows(Exception.class,
        () -> sql("SELECT gradient('" + borehole + "', slice(bx, 1, 7)) FROM samples"));
    assertTrue(message(shortX).contains("gradient: x has 7 values but the function " + borehole + " takes 8 "
        + "(inputs rw, r, Tu, Hu, Tl, Hl, L, Kw): the value at position 8 (Kw) is missing"), message(shortX));

    Exception longX = assertThrows(Exception.class,
        () -> sql("SELECT jacobian('" + TestSupport.SCALAR + "', array(1.0, 2.0, 3.0))"));
    assertTrue(message(longX).contains("jacobian: x has 3 values but the function <inline> takes 2 (inputs x[2]): "
        + "the values from position 3 on are extra"), message(longX));

    Exception shortU = assertThrows(Exception.class,
        () -> sql("SELECT jvp('" + mlp + "', mx, slice(mu, 1, 15)) FROM samples"));
    assertTrue(message(shortU).contains("jvp: u has 15 values but the function " + mlp + " takes 16 (inputs x[16]): "
        + "the value at position 16 (x[15]) is missing"), message(shortU));

    Exception nullElement = assertThrows(Exception.class,
        () -> sql("SELECT vjp('" + mlp + "', mx, transform(mv, (v, i) -> IF(i = 4, null, v))) FROM samples"));
    assertTrue(message(nullElement).contains("vjp: v has a null value at position 5"), message(nullElement));
  }

  @Test
  void specErrorsFailTheQueryWithFileLineColumn() {
    AnalysisException typo = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT gradient('input x[2]; output x[0] * cso(x[1])', array(1.0, 2.0))"));
    assertTrue(typo.getMessage().contains("gradient: <inline>:1:27: unknown function 'cso'; did you mean 'cos'?"),
        typo.getMessage());

    String absent = java.nio.file.Path.of(System.getProperty("java.io.tmpdir"), "no", "such", "file.fn").toString();
    AnalysisException missing = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT evaluate('" + absent + "', array(1.0))"));
    assertTrue(missing.getMessage().contains("evaluate: " + absent + ": spec file not found"), missing.getMessage());

    AnalysisException notScalar = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT gradient('" + mlp + "', mx) FROM samples"));
    assertTrue(notScalar.getMessage().contains("gradient: the function " + mlp + " has 8 output values (y[8]) but "
        + "gradient needs exactly one; use jacobian for several"), notScalar.getMessage());

    AnalysisException args = assertThrows(AnalysisException.class,
        () -> spark.sql("SELECT jvp('" + TestSupport.SCALAR + "', array(1.0, 2.0))"));
    assertTrue(args.getMessage().contains("WRONG_NUM_ARGS"), args.getMessage());
  }

  @Test
  void aSpecColumnIsCompiledPerDistinctSpec() {
    List<Row> rows = sql("SELECT s, gradient(s, array(1.0, 2.0)) g FROM VALUES "
        + "('input x[2]; output x[0] * x[1]'), ('input x[2]; output x[0]'), ('input x[2]; output x[0] * x[1]'), "
        + "(null) AS t(s)");
    assertClose(new double[] {2, 1}, vector(rows.get(0).get(1)), 0, "x0*x1");
    assertClose(new double[] {1, 0}, vector(rows.get(1).get(1)), 0, "x0");
    assertClose(new double[] {2, 1}, vector(rows.get(2).get(1)), 0, "x0*x1 again");
    assertNull(rows.get(3).get(1));

    Exception bad = assertThrows(Exception.class,
        () -> sql("SELECT gradient(s, array(1.0, 2.0)) FROM VALUES ('input x[2]; output x[0] *') AS t(s)"));
    assertTrue(message(bad).contains("<inline>:1:"), message(bad));
  }

  @Test
  void describeFunctionExplainsEachFunction() {
    for (SqlFunction f : SqlFunction.values()) {
      String brief = spark.sql("DESCRIBE FUNCTION " + f.sqlName()).collectAsList().stream()
          .map(r -> r.getString(0)).collect(Collectors.joining("\n"));
      assertTrue(brief.contains("Function: " + f.sqlName()), brief);
      assertTrue(brief.contains("Usage: " + f.sqlName() + "(spec, x"), brief);
      String ext = spark.sql("DESCRIBE FUNCTION EXTENDED " + f.sqlName()).collectAsList().stream()
          .map(r -> r.getString(0)).collect(Collectors.joining("\n"));
      assertTrue(ext.contains("Arguments:"), ext);
      assertTrue(ext.contains("Examples:"), ext);
      assertTrue(ext.contains("> SELECT " + f.sqlName() + "("), ext);
    }
  }

  @Test
  void theDocumentedExamplesGiveTheDocumentedResults() {
    for (SqlFunction f : SqlFunction.values()) {
      String call = f.exampleCall().replace("_FUNC_", f.sqlName());
      String json = spark.sql("SELECT to_json(" + call + ")").first().getString(0);
      assertEquals(f.exampleResult(), json, f.sqlName());
    }
  }

  private static String message(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }
  @Test
  void jacobianOfAnOnnxModelEqualsPyTorch() throws java.io.IOException {
    // conf/examples/torch_mlp.onnx is the engine's fixture mlp64.onnx; PyTorch's Jacobians are beside it
    java.nio.file.Path fixtures = java.nio.file.Path.of("../engine/src/test/resources/onnx");
    Tensor x = io.batchjac.engine.tensor.Npy.read(fixtures.resolve("mlp64.x.npy"));     // (5, 4)
    Tensor torchJ = io.batchjac.engine.tensor.Npy.read(fixtures.resolve("mlp64.jac.npy")); // (5, 3, 4)
    String model = TestSupport.example("torch_mlp.onnx");
    for (int b = 0; b < 5; b++) {
      StringBuilder arr = new StringBuilder("array(");
      for (int n = 0; n < 4; n++) {
        arr.append(n > 0 ? ", " : "").append(Double.toString(x.get(b, n))).append("D");
      }
      Row r = spark.sql("SELECT jacobian('" + model + "', " + arr + ")) AS j").first();
      double[][] j = matrix(r.get(0));
      for (int m = 0; m < 3; m++) {
        for (int n = 0; n < 4; n++) {
          double t = torchJ.get(b, m, n);
          assertEquals(t, j[m][n], 1e-10 * Math.max(1, Math.abs(t)), "J[" + m + ", " + n + "] of sample " + b);
        }
      }
    }
    AnalysisException e = assertThrows(AnalysisException.class, () -> spark.sql(
        "SELECT jacobian('../engine/src/test/resources/onnx/refused_reshape.onnx', array(1D, 2D, 3D, 4D))").first());
    // SQL users of this (restricted) session see the model's name, not what is inside it
    assertTrue(e.getMessage().contains("refused_reshape.onnx: the ONNX model does not import (the problem is not shown"),
        e.getMessage());
    assertFalse(e.getMessage().contains("Reshape"), e.getMessage());
    // the operator's own code sees the node and why
    String operator = assertThrows(IllegalArgumentException.class,
        () -> TestSupport.compiled("../engine/src/test/resources/onnx/refused_reshape.onnx")).getMessage();
    assertTrue(operator.contains("refused_reshape.onnx: node '"), operator);
    assertTrue(operator.contains("(Reshape): reshaping to [2, -1] moves the batch axis"), operator);
  }
}
