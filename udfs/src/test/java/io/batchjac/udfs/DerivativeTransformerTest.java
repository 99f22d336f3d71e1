package io.batchjac.udfs;

import static io.batchjac.udfs.TestSupport.assertClose;
import static io.batchjac.udfs.TestSupport.matrix;
import static io.batchjac.udfs.TestSupport.vector;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.posexplode;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import org.junit.jupiter.api.Assertions;

import com.holdenkarau.spark.testing.JavaDataFrameSuiteBase;
import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Transformer on a local[2] session (spark-testing-base's shared one): every mode against the
 * engine, several batches per partition, nulls, wrong lengths, schema refusals, a Pipeline saved
 * and loaded; and the one-line registration of the SQL functions on this existing session.
 */
class DerivativeTransformerTest extends JavaDataFrameSuiteBase {
  private static final double TOL = 1e-12;
  private static final int ROWS = 23;
  private static final long SEED = 11;

  @Override
  public SparkConf conf() {
    return new SparkConf().setMaster("local[2]").setAppName("DerivativeTransformerTest")
        .set("spark.ui.enabled", "false")
        .set("spark.sql.shuffle.partitions", "2")
        .set(SafetyConf.FILES_ALLOWED, TestSupport.allowedDirs())
        .set("spark.driver.host", "127.0.0.1")
        .set("spark.driver.bindAddress", "127.0.0.1");
  }

  @Override
  public boolean enableHiveSupport() {
    return false;
  }

  @BeforeEach
  void before() {
    runBefore();
  }

  @AfterAll
  static void after() {
    runAfterClass();
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  // ------------------------------------------------------------------ data

  private static double[][] bx() {
    Random r = new Random(SEED);
    double[][] x = new double[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      x[i] = TestSupport.boreholeRow(r);
    }
    return x;
  }

  private static double[][] gaussians(long seed, int n) {
    Random r = new Random(seed);
    double[][] x = new double[ROWS][];
    for (int i = 0; i < ROWS; i++) {
      x[i] = TestSupport.gaussian(r, n);
    }
    return x;
  }

  private static Double[] boxed(double[] d) {
    if (d == null) {
      return null;
    }
    Double[] o = new Double[d.length];
    for (int i = 0; i < d.length; i++) {
      o[i] = d[i];
    }
    return o;
  }

  /** id, bx (Borehole, 8), mx (mlp, 16), mu (16), mv (8); two partitions; rows 5 and 17 have a null bx, row 9 a null mu. */
  private Dataset<Row> samples() {
    double[][] bx = bx();
    double[][] mx = gaussians(SEED + 1, 16);
    double[][] mu = gaussians(SEED + 2, 16);
    double[][] mv = gaussians(SEED + 3, 8);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      rows.add(RowFactory.create(i, i == 5 || i == 17 ? null : boxed(bx[i]), boxed(mx[i]),
          i == 9 ? null : boxed(mu[i]), boxed(mv[i])));
    }
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("bx", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("mx", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("mu", DataTypes.createArrayType(DataTypes.DoubleType))
        .add("mv", DataTypes.createArrayType(DataTypes.DoubleType));
    return spark().createDataFrame(rows, schema).repartition(2).sortWithinPartitions("id");
  }

  private static Graph graph(String spec) {
    return TestSupport.compiled(spec).graph();
  }

  private static List<Row> byId(Dataset<Row> df) {
    return df.orderBy("id").collectAsList();
  }

  // ------------------------------------------------------------------ results

  @Test
  void everyModeEqualsTheEngineAcrossSeveralBatchesPerPartition() {
    String borehole = TestSupport.example("borehole.fn");
    String mlp = TestSupport.example("mlp.fn");
    Dataset<Row> df = samples();
    DerivativeTransformer grad = new DerivativeTransformer().setSpec(borehole).setInputCol("bx").setOutputCol("g")
        .setMode("gradient").setBatchSize(4);
    DerivativeTransformer hess = new DerivativeTransformer().setSpec(borehole).setInputCol("bx").setOutputCol("h")
        .setMode("hessian").setBatchSize(3);
    DerivativeTransformer eval = new DerivativeTransformer().setSpec(borehole).setInputCol("bx").setOutputCol("f")
        .setMode("eval");
    DerivativeTransformer jacF = new DerivativeTransformer().setSpec(mlp).setInputCol("mx").setOutputCol("jf")
        .setBackend("forward").setBatchSize(5);
    DerivativeTransformer jacR = new DerivativeTransformer().setSpec(mlp).setInputCol("mx").setOutputCol("jr")
        .setBackend("reverse");
    DerivativeTransformer jvp = new DerivativeTransformer().setSpec(mlp).setInputCol("mx").setTangentCol("mu")
        .setOutputCol("jv").setMode("jvp").setBatchSize(7);
    DerivativeTransformer vjp = new DerivativeTransformer().setSpec(mlp).setInputCol("mx").setTangentCol("mv")
        .setOutputCol("vj").setMode("vjp");
    Dataset<Row> out = df;
    for (DerivativeTransformer t : List.of(grad, hess, eval, jacF, jacR, jvp, vjp)) {
      out = t.transform(out);
    }
    List<Row> rows = byId(out);
    assertEquals(ROWS, rows.size());

    double[][] bx = bx();
    double[][] mx = gaussians(SEED + 1, 16);
    double[][] mu = gaussians(SEED + 2, 16);
    double[][] mv = gaussians(SEED + 3, 8);
    Engine e = TestSupport.engine();
    Graph b = graph(borehole);
    Graph m = graph(mlp);
    for (Row row : rows) {
      int i = row.getInt(0);
      Tensor xm = Tensor.of(Shape.of(1, 16), mx[i]);
      if (i == 5 || i == 17) {
        for (String c : List.of("g", "h", "f")) {
          Assertions.assertTrue(row.isNullAt(row.fieldIndex(c)), c + " is null where bx is null");
        }
      } else {
        Tensor xb = Tensor.of(Shape.of(1, 8), bx[i]);
        assertClose(e.gradient(b, Backend.auto(), xb).data(), vector(row.getAs("g")), TOL, "gradient " + i);
        assertClose(TestSupport.rows(e.hessian(b, xb).data(), 8, 8), matrix(row.getAs("h")), TOL, "hessian " + i);
        assertClose(e.evaluate(b, xb).data(), vector(row.getAs("f")), TOL, "eval " + i);
      }
      assertClose(TestSupport.rows(e.batchedJacobian(m, Backend.forward(), xm).data(), 8, 16), matrix(row.getAs("jf")),
          TOL, "jacobian forward " + i);
      assertClose(TestSupport.rows(e.batchedJacobian(m, Backend.reverse(), xm).data(), 8, 16), matrix(row.getAs("jr")),
          TOL, "jacobian reverse " + i);
      if (i == 9) {
        Assertions.assertTrue(row.isNullAt(row.fieldIndex("jv")), "jvp is null where the tangent is null");
      } else {
        assertClose(e.jvp(m, Backend.auto(), xm, Tensor.of(Shape.of(1, 16), mu[i])).data(), vector(row.getAs("jv")),
            TOL, "jvp " + i);
      }
      assertClose(e.vjp(m, Backend.auto(), xm, Tensor.of(Shape.of(1, 8), mv[i])).data(), vector(row.getAs("vj")),
          TOL, "vjp " + i);
    }
  }

  /**
   * The output rows are built from the input rows' bytes (ResultRows): every column of every type
   * comes through unchanged beside the result, with more than 64 columns (the null bit set grows by
   * a word when the result is appended), strings, large decimals (null ones keep an offset in
   * Spark's layout), nested arrays, maps, structs and binary values, null or not.
   */
  @Test
  void columnsOfEveryTypeComeThroughBesideTheResult() {
    int fillers = 55; // 7 + 55 + x + its cast = 64 columns: appending the result adds a bit-set word
    StructType schema = new StructType()
        .add("id", DataTypes.IntegerType)
        .add("s", DataTypes.StringType)
        .add("big", DataTypes.createDecimalType(30, 4))
        .add("nested", DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.IntegerType)))
        .add("m", DataTypes.createMapType(DataTypes.StringType, DataTypes.LongType))
        .add("st", new StructType().add("a", DataTypes.DoubleType).add("b", DataTypes.StringType))
        .add("bin", DataTypes.BinaryType);
    for (int f = 0; f < fillers; f++) {
      schema = schema.add("f" + f, f % 2 == 0 ? DataTypes.LongType : DataTypes.StringType);
    }
    schema = schema.add("x", DataTypes.createArrayType(DataTypes.FloatType)); // cast to array<double>: one more column
    List<Row> rows = new ArrayList<>();
    Random r = new Random(SEED);
    for (int i = 0; i < ROWS; i++) {
      Object[] v = new Object[schema.fields().length];
      v[0] = i;
      v[1] = i % 4 == 0 ? null : "row " + i + " \u00e9";
      v[2] = i % 3 == 0 ? null : new java.math.BigDecimal("12345678901234567890.1234").add(java.math.BigDecimal.valueOf(i));
      v[3] = i % 5 == 0 ? null : List.of(List.of(i, i + 1), List.of());
      v[4] = i % 6 == 0 ? null : java.util.Map.of("k" + i, (long) i);
      v[5] = i % 7 == 0 ? null : RowFactory.create(i * 0.5, "b" + i);
      v[6] = i % 2 == 0 ? null : new byte[] {(byte) i, 2, 3};
      for (int f = 0; f < fillers; f++) {
        v[7 + f] = (i + f) % 9 == 0 ? null : f % 2 == 0 ? (Object) (long) (i * 100 + f) : "s" + f + "-" + i;
      }
      v[v.length - 1] = i == 4 || i == 11 ? null : new Float[] {(float) r.nextGaussian(), (float) r.nextGaussian()};
      rows.add(RowFactory.create(v));
    }
    Dataset<Row> df = spark().createDataFrame(rows, schema).repartition(2);
    String spec = "input x[2]; output y = [x[0] * x[1], sin(x[0]), x[1] ^ 2]";
    Dataset<Row> out = new DerivativeTransformer().setSpec(spec).setInputCol("x").setOutputCol("jac").setBatchSize(5)
        .transform(new DerivativeTransformer().setSpec(TestSupport.SCALAR).setInputCol("x").setOutputCol("grad")
            .setMode("gradient").setBatchSize(3).transform(df));
    List<Row> got = byId(out);
    assertEquals(ROWS, got.size());
    int n = schema.fields().length;
    for (Row row : got) {
      int i = row.getInt(0);
      Row in = rows.get(i);
      for (int c = 0; c < n; c++) {
        Object want = in.get(c);
        Object have = row.get(c);
        if (want instanceof byte[] w) {
          Assertions.assertArrayEquals(w, (byte[]) have, "row " + i + " column " + schema.fields()[c].name());
        } else if (want instanceof Object[] || want instanceof List<?>) {
          assertEquals(deepList(want), deepList(have), "row " + i + " column " + schema.fields()[c].name());
        } else if (want instanceof java.util.Map<?, ?> w) {
          assertEquals(w, scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Map<?, ?>) have), "row " + i + " map");
        } else {
          assertEquals(want, have, "row " + i + " column " + schema.fields()[c].name());
        }
      }
      assertEquals(n + 2, row.length());
      if (i == 4 || i == 11) {
        Assertions.assertTrue(row.isNullAt(n) && row.isNullAt(n + 1), "null results where x is null, row " + i);
        continue;
      }
      Float[] xf = (Float[]) in.get(n - 1);
      double x0 = xf[0];
      double x1 = xf[1];
      assertClose(new double[] {Math.cos(x1), -x0 * Math.sin(x1)}, vector(row.get(n)), TOL, "gradient " + i);
      assertClose(new double[][] {{x1, x0}, {Math.cos(x0), 0}, {0, 2 * x1}}, matrix(row.get(n + 1)), TOL, "jacobian " + i);
    }
  }

  /** An array value (a java List, an Object[] or a Scala Seq, nested or not) as nested java Lists. */
  private static Object deepList(Object v) {
    List<?> l = v instanceof Object[] o ? List.of(o)
        : v instanceof scala.collection.Seq<?> q ? scala.jdk.javaapi.CollectionConverters.asJava(q)
        : v instanceof List<?> j ? j : null;
    if (l == null) {
      return v;
    }
    List<Object> out = new ArrayList<>();
    for (Object e : l) {
      out.add(deepList(e));
    }
    return out;
  }

  @Test
  void operationsAreCompiledOncePerSpecAndOperationWhateverTheBatchesAndPartitions() {
    String spec = "input x[16]; output sum(sin(x)) * 1.2345; # caching test";
    Dataset<Row> df = samples().repartition(3);
    for (String mode : List.of("gradient", "jacobian", "gradient")) {
      DerivativeTransformer t = new DerivativeTransformer().setSpec(spec).setInputCol("mx").setOutputCol("d")
          .setMode(mode).setBatchSize(2);
      assertEquals(ROWS, t.transform(df).collectAsList().size());
    }
    // gradient and jacobian run the same compiled Jacobian: one compilation for 3 transforms of
    // 3 partitions of batches of 2 rows
    CompiledSpec cs = SpecCache.get(SpecSource.inline(spec), SafetyConf.current());
    assertEquals(1, cs.engine().compilations());
  }

  @Test
  void aSpecWithDerivativesInsideIsDifferentiatedAgain() {
    String spec = "input x[16]; y = sum(tanh(x) * x); output sum(grad(y, x)^2)";
    DerivativeTransformer t = new DerivativeTransformer().setSpec(spec).setInputCol("mx").setOutputCol("g")
        .setMode("gradient").setBatchSize(5);
    List<Row> rows = byId(t.transform(samples()));
    double[][] mx = gaussians(SEED + 1, 16);
    Graph f = io.batchjac.engine.lang.SpecParser.parseInline(spec).graph();
    Engine e = TestSupport.engine();
    for (Row row : rows) {
      int i = row.getInt(0);
      assertClose(e.gradient(f, Backend.auto(), Tensor.of(Shape.of(1, 16), mx[i])).data(), vector(row.getAs("g")), TOL,
          "gradient of a nested spec, row " + i);
    }
  }

  @Test
  void aPipelineIsSavedAndLoadedWithItsSpecText(@TempDir Path dir) throws Exception {
    String borehole = TestSupport.example("borehole.fn");
    String mlp = TestSupport.example("mlp.fn");
    DerivativeTransformer grad = new DerivativeTransformer().setSpec(borehole).setInputCol("bx").setOutputCol("g")
        .setMode("gradient");
    DerivativeTransformer jac = new DerivativeTransformer("jac_mlp").setSpec(mlp).setInputCol("mx").setOutputCol("j")
        .setBackend("reverse").setBatchSize(6);
    DerivativeTransformer inline = new DerivativeTransformer().setSpec("input x[16]; output s = sum(sin(x))")
        .setInputCol("mx").setOutputCol("s").setMode("eval");
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {grad, jac, inline});
    Dataset<Row> df = samples();
    PipelineModel model = pipeline.fit(df);
    Dataset<Row> before = model.transform(df);

    String path = dir.resolve("model").toString();
    model.write().overwrite().save(path);
    PipelineModel loaded = PipelineModel.load(path);
    Dataset<Row> after = loaded.transform(df);

    DerivativeTransformer j2 = (DerivativeTransformer) loaded.stages()[1];
    assertEquals("jac_mlp", j2.uid());
    assertEquals(Files.readString(Path.of(mlp)), j2.getSpec(), "the spec text is saved with the model");
    assertEquals(mlp, j2.getSpecName());
    assertEquals(TestSupport.examples().toString(), j2.getSpecDir());
    assertEquals("reverse", j2.getBackend());
    assertEquals(6, j2.getBatchSize());
    assertEquals("jacobian", j2.getMode());
    assertEquals("<inline>", ((DerivativeTransformer) loaded.stages()[2]).getSpecName());

    // spark-testing-base: the same rows, compared as scalar columns (array columns are exploded,
    // since its tolerance does not reach into arrays)
    assertDataFrameEquals(flatten(before, "g"), flatten(after, "g"));
    assertDataFrameEquals(flatten(before.withColumn("j", expr("flatten(j)")), "j"),
        flatten(after.withColumn("j", expr("flatten(j)")), "j"));
    assertDataFrameEquals(flatten(before, "s"), flatten(after, "s"));

    // and a Transformer alone
    String one = dir.resolve("one").toString();
    grad.write().overwrite().save(one);
    DerivativeTransformer g2 = DerivativeTransformer.load(one);
    assertEquals(grad.uid(), g2.uid());
    assertEquals(grad.getSpec(), g2.getSpec());
    List<Row> a = byId(grad.transform(df));
    List<Row> c = byId(g2.transform(df));
    for (int i = 0; i < ROWS; i++) {
      assertClose(vector(a.get(i).getAs("g")), vector(c.get(i).getAs("g")), 0, "reloaded gradient " + i);
    }
  }

  @Test
  void anOnnxModelIsSavedInsideTheTransformer(@TempDir Path dir) throws Exception {
    Path model = Files.copy(Path.of(TestSupport.example("torch_mlp.onnx")), dir.resolve("model.onnx"));
    Dataset<Row> df = samples().withColumn("x4", expr("slice(mx, 1, 4)"));
    DerivativeTransformer t = new DerivativeTransformer().setSpec(model.toString()).setInputCol("x4")
        .setOutputCol("j");
    assertEquals("onnx", t.getSpecFormat());
    List<Row> before = byId(t.transform(df));

    String path = dir.resolve("saved").toString();
    t.write().overwrite().save(path);
    Files.delete(model); // the saved Transformer carries the model's bytes
    SpecCache.clear();
    DerivativeTransformer loaded = DerivativeTransformer.load(path);
    assertEquals("onnx", loaded.getSpecFormat());
    assertEquals(model.toString(), loaded.getSpecName());
    List<Row> after = byId(loaded.transform(df));

    Graph f = io.batchjac.engine.api.SpecLoader.load(Path.of(TestSupport.example("torch_mlp.onnx"))).graph();
    Engine e = TestSupport.engine();
    for (int i = 0; i < ROWS; i++) {
      double[] x = vector(before.get(i).getAs("x4"));
      double[] expected = e.batchedJacobian(f, Backend.auto(), Tensor.of(Shape.of(1, 4), x)).data(); // (3, 4, 1)
      double[][] jb = matrix(before.get(i).getAs("j"));
      double[][] ja = matrix(after.get(i).getAs("j"));
      for (int m = 0; m < 3; m++) {
        for (int n = 0; n < 4; n++) {
          assertEquals(expected[m + 3 * n], jb[m][n], TOL, "row " + i);
          assertEquals(jb[m][n], ja[m][n], 0.0, "row " + i + " after loading");
        }
      }
    }
  }

  /** id, position, value: one row per array element. */
  private static Dataset<Row> flatten(Dataset<Row> df, String arrayCol) {
    return df.select(col("id"), posexplode(col(arrayCol))).orderBy("id", "pos");
  }

  @Test
  void theTransformerAndTheSqlFunctionAgree() {
    BatchjacFunctions.register(spark());
    String borehole = TestSupport.example("borehole.fn");
    Dataset<Row> df = samples().where("bx IS NOT NULL");
    Dataset<Row> viaTransformer = new DerivativeTransformer().setSpec(borehole).setInputCol("bx").setOutputCol("g")
        .setMode("gradient").transform(df);
    Dataset<Row> viaSql = df.withColumn("g", expr("gradient('" + borehole + "', bx)"));
    assertDataFrameApproximateEquals(flatten(viaSql, "g"), flatten(viaTransformer, "g"), TOL);
  }

  @Test
  void registerInstallsTheFunctionsAndNewSessionsHaveThemToo() {
    BatchjacFunctions.register(spark());
    Row r = spark().sql("SELECT gradient('" + TestSupport.SCALAR + "', array(1.0, 2.0)) g").collectAsList().get(0);
    assertClose(new double[] {Math.cos(2), -Math.sin(2)}, vector(r.get(0)), TOL, "gradient");
    String usage = spark().sql("DESCRIBE FUNCTION hessian").collectAsList().toString();
    Assertions.assertTrue(usage.contains("Usage: hessian(spec, x)"), usage);
    // a session made with newSession() has them too: the jar's service entry installs them everywhere
    Row other = spark().newSession().sql("SELECT gradient('input x; output x', array(1.0))").first();
    assertClose(new double[] {1}, vector(other.get(0)), TOL, "gradient in a new session");
  }

  @Test
  void integerArraysAreCastAndNaNFlows() {
    List<Row> rows = List.of(RowFactory.create(0, new Integer[] {1, 2}), RowFactory.create(1, new Integer[] {3, 4}));
    StructType schema = new StructType().add("id", DataTypes.IntegerType)
        .add("x", DataTypes.createArrayType(DataTypes.IntegerType));
    Dataset<Row> df = spark().createDataFrame(rows, schema);
    List<Row> out = byId(new DerivativeTransformer().setSpec(TestSupport.SCALAR).setInputCol("x").setOutputCol("g")
        .setMode("gradient").transform(df));
    assertClose(new double[] {Math.cos(2), -Math.sin(2)}, vector(out.get(0).getAs("g")), TOL, "row 0");
    assertClose(new double[] {Math.cos(4), -3 * Math.sin(4)}, vector(out.get(1).getAs("g")), TOL, "row 1");

    Dataset<Row> nan = spark().sql("SELECT 0 AS id, array(double('NaN'), 1.0) AS x");
    double[] g = vector(new DerivativeTransformer().setSpec(TestSupport.SCALAR).setInputCol("x").setOutputCol("g")
        .setMode("gradient").transform(nan).collectAsList().get(0).getAs("g"));
    assertEquals(Math.cos(1), g[0], TOL);
    Assertions.assertTrue(Double.isNaN(g[1]));
  }

  // ------------------------------------------------------------------ refusals

  @Test
  void wrongLengthsAndNullElementsFailNamingColumnLengthsAndPosition() {
    Dataset<Row> df = spark().sql("SELECT 0 AS id, array(1.0, 2.0, 3.0) AS x, array(1.0, null) AS y");
    DerivativeTransformer t = new DerivativeTransformer("t1").setSpec(TestSupport.SCALAR).setInputCol("x")
        .setOutputCol("g");
    Exception e = assertThrows(Exception.class, () -> t.transform(df).collectAsList());
    Assertions.assertTrue(causes(e).contains("DerivativeTransformer t1: column 'x' has 3 values in a row but the function <inline> "
        + "takes 2 (inputs x[2]): the values from position 3 on are extra"), causes(e));
    Exception n = assertThrows(Exception.class, () -> t.setInputCol("y").transform(df).collectAsList());
    Assertions.assertTrue(causes(n).contains("DerivativeTransformer t1: column 'y' has a null value at position 2"), causes(n));
  }

  @Test
  void transformSchemaRefusesBadColumnsAndParams() {
    Dataset<Row> df = samples();
    StructType s = df.schema();
    String mlp = TestSupport.example("mlp.fn");
    DerivativeTransformer t = new DerivativeTransformer("t2").setSpec(mlp).setInputCol("mx");

    StructType ok = t.setOutputCol("j").transformSchema(s);
    assertEquals(SparkInternals.MATRIX, ok.apply("j").dataType());
    assertEquals(SparkInternals.VECTOR, t.setMode("eval").transformSchema(s).apply("j").dataType());
    t.setMode("jacobian");

    assertMessage(() -> t.setOutputCol("mu").transformSchema(s), "DerivativeTransformer t2: output column 'mu' already exists");
    t.setOutputCol("j");
    assertMessage(() -> t.setInputCol("id").transformSchema(s),
        "DerivativeTransformer t2: input column 'id' must be an array of numbers (array<double>), but it is int");
    assertMessage(() -> t.setInputCol("nope").transformSchema(s), "input column 'nope' does not exist");
    t.setInputCol("mx");
    assertMessage(() -> t.setMode("jvp").transformSchema(s), "param tangentCol is not set");
    assertMessage(() -> t.setMode("jvp").setTangentCol("mu").setBackend("reverse").transformSchema(s),
        "DerivativeTransformer t2: jvp runs in forward mode: backend 'reverse' is not available for it");
    assertMessage(() -> t.setMode("gradient").setBackend("auto").transformSchema(s),
        "DerivativeTransformer t2: the function " + mlp + " has 8 output values (y[8]) but mode gradient needs exactly "
            + "one; use mode jacobian for several");
    assertThrows(IllegalArgumentException.class, () -> t.setMode("laplacian"));
    assertThrows(IllegalArgumentException.class, () -> t.setBackend("sideways"));
    assertThrows(IllegalArgumentException.class, () -> t.setBatchSize(0));
    assertMessage(() -> new DerivativeTransformer("t3").setInputCol("mx").transformSchema(s),
        "DerivativeTransformer t3: param spec is not set");
    assertThrows(io.batchjac.engine.lang.SpecException.class,
        () -> new DerivativeTransformer().setSpec("input x[2]; output x[0] *"));
  }

  private static void assertMessage(org.junit.jupiter.api.function.Executable call, String part) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    Assertions.assertTrue(e.getMessage().contains(part), e.getMessage());
  }

  private static String causes(Throwable t) {
    StringBuilder sb = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }
}
