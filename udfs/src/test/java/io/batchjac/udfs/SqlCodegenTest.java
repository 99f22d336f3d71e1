package io.batchjac.udfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The SQL functions run inside Spark's whole-stage generated code (their calls are in the
 * generated Java source, not interpreted through {@code CodegenFallback} or a {@code ScalaUDF}),
 * and the SQL functions and the Transformer compile each operation on a spec once per JVM,
 * however many rows, batches, partitions and queries run it.
 */
class SqlCodegenTest {
  /** A spec no other test uses, so that its compilations are this class's alone. */
  private static final String SPEC = "input x[2]; output x[0] * cos(x[1]) + 0.125";
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSupport.localBuilder("SqlCodegenTest").withExtensions(new BatchjacExtensions()).getOrCreate();
    spark.range(0, 1000, 1, 4).selectExpr("id", "array(id * 0.001, 1.0 + id * 0.002) AS x",
        "array(1.0, -0.5) AS u", "array(2.0) AS v").createOrReplaceTempView("points");
  }

  @AfterAll
  static void stop() {
    TestSupport.stop(spark);
  }

  /** The generated code of every whole-stage subtree of the query (Spark's {@code EXPLAIN CODEGEN}). */
  private static String codegen(String query) {
    return spark.sql("EXPLAIN CODEGEN " + query).collectAsList().get(0).getString(0);
  }

  @Test
  void everyFunctionIsCalledFromWholeStageGeneratedCode() {
    String query = "SELECT id, gradient('" + SPEC + "', x) g, jacobian('" + SPEC + "', x) j, hessian('" + SPEC
        + "', x) h, evaluate('" + SPEC + "', x) f, jvp('" + SPEC + "', x, u) ju, vjp('" + SPEC + "', x, v) vj "
        + "FROM points WHERE id % 2 = 0";
    String code = codegen(query);
    assertTrue(code.contains("Found 1 WholeStageCodegen subtree"), code);
    // the filter, the project and all six calls in one generated class
    assertTrue(code.contains("WholeStageCodegen"), code);
    assertEquals(4, calls(code, "row2"), "gradient, jacobian, hessian, evaluate called from the generated code:\n" + code);
    assertEquals(2, calls(code, "row3"), "jvp and vjp called from the generated code:\n" + code);
    assertFalse(code.contains("ScalaUDF"), code);
    String plan = spark.sql(query).queryExecution().executedPlan().toString();
    assertFalse(plan.contains("CodegenFallback") || plan.contains("UDF"), plan);
    // and the values are those of the spec
    Row r = spark.sql(query + " AND id = 10").collectAsList().get(0);
    double x0 = 0.01;
    double x1 = 1.02;
    assertArrayEquals(new double[] {Math.cos(x1), -x0 * Math.sin(x1)}, TestSupport.vector(r.get(1)), 1e-15);
    assertArrayEquals(new double[] {x0 * Math.cos(x1) + 0.125}, TestSupport.vector(r.get(4)), 1e-15);
    assertArrayEquals(new double[] {Math.cos(x1) * 1.0 - x0 * Math.sin(x1) * -0.5}, TestSupport.vector(r.get(5)), 1e-15);
    assertArrayEquals(new double[] {2 * Math.cos(x1), -2 * x0 * Math.sin(x1)}, TestSupport.vector(r.get(6)), 1e-15);
  }

  @Test
  void aSpecColumnAndCastArraysAreInsideTheGeneratedCodeToo() {
    spark.range(0, 3, 1, 1).selectExpr("CASE WHEN id >= 0 THEN '" + SPEC + "' END AS spec",
        "array(1, 2 + CAST(id AS INT)) AS xi", "array(CAST(1 AS DECIMAL(3, 1)), 2.5 + id) AS xd")
        .createOrReplaceTempView("per_row_spec");
    String query = "SELECT gradient(spec, xi), gradient(spec, xd) FROM per_row_spec";
    String code = codegen(query);
    assertEquals(2, calls(code, "row2"), code);
    Row r = spark.sql(query).collectAsList().get(0);
    assertArrayEquals(new double[] {Math.cos(2), -Math.sin(2)}, TestSupport.vector(r.get(0)), 1e-15);
    assertArrayEquals(new double[] {Math.cos(2.5), -Math.sin(2.5)}, TestSupport.vector(r.get(1)), 1e-15);
    assertEquals("gradient(spec, xi)", spark.sql(query).columns()[0], "the column is named as the call");
  }

  @Test
  void withoutGeneratedCodeTheResultsAndErrorsAreTheSame() {
    String query = "SELECT gradient('" + SPEC + "', x), jvp('" + SPEC + "', x, u) FROM points ORDER BY id";
    List<Row> generated = spark.sql(query).collectAsList();
    String wrong = "SELECT gradient('" + SPEC + "', array(x[0], x[1], 3.0)) FROM points";
    String generatedError = assertThrows(Exception.class, () -> spark.sql(wrong).collectAsList()).getMessage();
    try {
      spark.conf().set("spark.sql.codegen.wholeStage", "false");
      spark.conf().set("spark.sql.codegen.factoryMode", "NO_CODEGEN");
      assertFalse(codegen(query).contains("/* literal */).row2("), "interpreted");
      List<Row> interpreted = spark.sql(query).collectAsList();
      assertEquals(generated.size(), interpreted.size());
      for (int i = 0; i < generated.size(); i++) {
        for (int c = 0; c < 2; c++) {
          assertArrayEquals(TestSupport.vector(generated.get(i).get(c)), TestSupport.vector(interpreted.get(i).get(c)),
              0.0, "row " + i);
        }
      }
      String interpretedError = assertThrows(Exception.class, () -> spark.sql(wrong).collectAsList()).getMessage();
      for (String m : List.of(generatedError, interpretedError)) {
        assertTrue(m.contains("FAILED_EXECUTE_UDF") && m.contains("gradient: x has 3 values but the function <inline> "
            + "takes 2 (inputs x[2]): the values from position 3 on are extra"), m);
      }
    } finally {
      spark.conf().unset("spark.sql.codegen.wholeStage");
      spark.conf().unset("spark.sql.codegen.factoryMode");
    }
  }

  @Test
  void eachOperationIsCompiledOncePerJvm() {
    CompiledSpec cs = SpecCache.get(SpecSource.inline(SPEC), SafetyConf.current());
    Dataset<Row> points = spark.table("points");
    DerivativeTransformer t = new DerivativeTransformer().setSpec(SPEC).setInputCol("x").setOutputCol("g")
        .setMode("gradient").setBatchSize(7);
    String sql = "SELECT sum(gradient('" + SPEC + "', x)[0]), sum(jacobian('" + SPEC + "', x)[0][1]) FROM points";
    spark.sql(sql).collectAsList();
    t.transform(points).selectExpr("sum(g[1])").collectAsList();
    long compiled = cs.engine().compilations();
    // SQL gradient, SQL jacobian and the Transformer's gradient run the same compiled Jacobian
    assertEquals(1, compiled, "one compilation for the three");
    for (int i = 0; i < 3; i++) {
      // 1,000 rows in 4 partitions: 1,000 row-by-row runs of each function, 143 batches
      List<Row> again = spark.sql(sql).collectAsList();
      assertEquals(1, again.size());
      t.transform(points).selectExpr("sum(g[1])").collectAsList();
    }
    assertEquals(compiled, cs.engine().compilations(), "no operation compiled again");
  }

  /** Calls of the kernel's {@code method} in the generated Java source (not in the plan's description). */
  private static int calls(String code, String method) {
    return count(code, "SqlKernel) references[", "/* literal */)." + method + "(");
  }

  /** Lines holding both parts. */
  private static int count(String text, String part, String other) {
    int n = 0;
    for (String line : text.split("\n")) {
      if (line.contains(part) && line.contains(other)) {
        n++;
      }
    }
    return n;
  }
}
