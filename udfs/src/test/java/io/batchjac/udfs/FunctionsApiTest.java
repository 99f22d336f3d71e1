package io.batchjac.udfs;

import static io.batchjac.udfs.TestSupport.matrix;
import static io.batchjac.udfs.TestSupport.vector;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link functions}, the DataFrame API, on a plain local session: no {@code spark.sql.extensions}
 * and no {@code withExtensions}, so the functions come from the jar's service entry alone. Results
 * equal the SQL text and the in-process engine bit for bit.
 */
class FunctionsApiTest {
  private static final int ROWS = 4;
  private static SparkSession spark;
  private static String borehole;
  private static String mlp;
  private static TestSupport.Samples in;

  @BeforeAll
  static void start() {
    spark = TestSupport.localBuilder("FunctionsApiTest").getOrCreate();
    borehole = TestSupport.example("borehole.fn");
    mlp = TestSupport.example("mlp.fn");
    in = TestSupport.Samples.create(spark, "api_samples", 7, ROWS, false);
  }

  @AfterAll
  static void stop() {
    TestSupport.stop(spark);
  }

  @Test
  void everyFunctionEqualsTheEngineBitForBit() {
    Dataset<Row> df = spark.table("api_samples").orderBy("id");
    List<Row> rows = df.select(
        functions.gradient(borehole, col("bx")),
        functions.hessian(lit(borehole), col("bx")),
        functions.evaluate(borehole, col("bx")),
        functions.jacobian(mlp, col("mx")),
        functions.jvp(mlp, col("mx"), col("mu")),
        functions.vjp(lit(mlp), col("mx"), col("mv"))).collectAsList();
    Engine e = TestSupport.engine();
    Graph b = TestSupport.compiled(borehole).graph();
    Graph m = TestSupport.compiled(mlp).graph();
    for (int i = 0; i < ROWS; i++) {
      Row row = rows.get(i);
      Tensor xb = Tensor.of(Shape.of(1, 8), in.bx()[i]);
      Tensor xm = Tensor.of(Shape.of(1, 16), in.mx()[i]);
      assertArrayEquals(e.gradient(b, Backend.auto(), xb).data(), vector(row.get(0)), "gradient row " + i);
      assertArrayEquals(TestSupport.rows(e.hessian(b, xb).data(), 8, 8), matrix(row.get(1)), "hessian row " + i);
      assertArrayEquals(e.evaluate(b, xb).data(), vector(row.get(2)), "evaluate row " + i);
      assertArrayEquals(TestSupport.rows(e.batchedJacobian(m, Backend.auto(), xm).data(), 8, 16), matrix(row.get(3)),
          "jacobian row " + i);
      assertArrayEquals(e.jvp(m, Backend.auto(), xm, Tensor.of(Shape.of(1, 16), in.mu()[i])).data(), vector(row.get(4)),
          "jvp row " + i);
      assertArrayEquals(e.vjp(m, Backend.auto(), xm, Tensor.of(Shape.of(1, 8), in.mv()[i])).data(), vector(row.get(5)),
          "vjp row " + i);
    }
  }

  @Test
  void theApiAndTheSqlTextGiveTheSameColumns() {
    Dataset<Row> viaApi = spark.table("api_samples").select(col("id"),
        functions.jacobian(mlp, col("mx")).as("j"), functions.gradient(lit(borehole), col("bx")).as("g"));
    Dataset<Row> viaSql = spark.sql("SELECT id, jacobian('" + mlp + "', mx) j, gradient('" + borehole + "', bx) g "
        + "FROM api_samples");
    assertEquals(viaSql.schema(), viaApi.schema());
    assertEquals(viaSql.orderBy("id").collectAsList(), viaApi.orderBy("id").collectAsList());
  }

  @Test
  void aSpecColumnNullsAndNewSessions() {
    Dataset<Row> specs = spark.sql("SELECT * FROM VALUES ('input x[2]; output x[0] * x[1]', array(3.0, 5.0)), "
        + "(null, array(1.0, 1.0)), ('input x[2]; output x[0]', null) AS t(s, x)");
    List<Row> rows = specs.select(functions.gradient(col("s"), col("x"))).collectAsList();
    assertArrayEquals(new double[] {5, 3}, vector(rows.get(0).get(0)), "per-row spec");
    assertTrue(rows.get(1).isNullAt(0), "null spec");
    assertTrue(rows.get(2).isNullAt(0), "null x");

    // another session of the application has them too: the service entry serves every session
    Row r = spark.newSession().range(1).select(functions.evaluate(TestSupport.SCALAR,
        org.apache.spark.sql.functions.array(lit(1.0), lit(0.0)))).first();
    assertArrayEquals(new double[] {1.0}, vector(r.get(0)));
  }

  @Test
  void everySqlFunctionHasAColumnAndAStringOverload() throws NoSuchMethodException {
    for (SqlFunction f : SqlFunction.values()) {
      Class<?>[] rest = new Class<?>[f.arity() - 1];
      java.util.Arrays.fill(rest, Column.class);
      for (Class<?> specType : List.of(Column.class, String.class)) {
        Class<?>[] params = new Class<?>[f.arity()];
        params[0] = specType;
        System.arraycopy(rest, 0, params, 1, rest.length);
        Method method = functions.class.getMethod(f.sqlName(), params);
        assertTrue(Modifier.isStatic(method.getModifiers()), method.toString());
        assertEquals(Column.class, method.getReturnType(), method.toString());
      }
    }
    for (Method method : functions.class.getDeclaredMethods()) {
      if (Modifier.isPublic(method.getModifiers())) {
        assertNotNull(SqlFunction.of(method.getName()), "functions." + method.getName() + " is a SQL function");
      }
    }
  }
}
