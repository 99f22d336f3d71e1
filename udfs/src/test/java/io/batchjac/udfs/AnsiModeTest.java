package io.batchjac.udfs;

import static io.batchjac.udfs.TestSupport.matrix;
import static io.batchjac.udfs.TestSupport.vector;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.apache.spark.SparkThrowable;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What changes with {@code spark.sql.ansi.enabled} (Spark 4's default is true) and what does not:
 * every test runs in both modes on one session. Result types, null handling, numeric casts, row
 * errors and IEEE arithmetic inside a spec are the same in both; string arrays are cast as
 * Spark's built-ins cast strings (ANSI: malformed text fails with CAST_INVALID_INPUT; otherwise it
 * becomes null, reported as a null element); arguments of a wrong type fail analysis with
 * DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE in both.
 */
@ParameterizedClass(name = "spark.sql.ansi.enabled={0}")
@ValueSource(booleans = {true, false})
class AnsiModeTest {
  private static final String S = TestSupport.SCALAR; // input x[2]; output x[0] * cos(x[1])
  private static SparkSession spark;

  @Parameter
  boolean ansi;

  @BeforeAll
  static void start() {
    spark = TestSupport.localBuilder("AnsiModeTest").getOrCreate();
  }

  @AfterAll
  static void stop() {
    TestSupport.stop(spark);
  }

  @BeforeEach
  void mode() {
    spark.conf().set("spark.sql.ansi.enabled", ansi);
  }

  private static Row one(String sql) {
    return spark.sql(sql).first();
  }

  @Test
  void resultTypesAreTheSame() {
    StructType schema = spark.sql("SELECT jacobian('" + S + "', array(1, 2)) j, gradient('" + S + "', array(1, 2)) g, "
        + "jvp('" + S + "', array(1, 2), array(1, 0)) jv, vjp('" + S + "', array(1, 2), array(1)) vj, "
        + "hessian('" + S + "', array(1, 2)) h, evaluate('" + S + "', array(1, 2)) f").schema();
    var vector = DataTypes.createArrayType(DataTypes.DoubleType, false);
    var matrix = DataTypes.createArrayType(vector, false);
    assertEquals(List.of(matrix, vector, vector, vector, matrix, vector),
        List.of(schema.fields()).stream().map(f -> f.dataType()).toList());
    assertTrue(List.of(schema.fields()).stream().allMatch(f -> f.nullable()), "a null argument gives null");
  }

  @Test
  void everyNumericElementTypeIsRead() {
    double c = Math.cos(2);
    double s = Math.sin(2);
    for (String x : List.of("array(1Y, 2Y)", "array(1S, 2S)", "array(1, 2)", "array(1L, 2L)", "array(1F, 2F)",
        "array(1D, 2D)", "array(1.0BD, 2.0BD)", "array(1, 2.0D)")) {
      Row r = one("SELECT gradient('" + S + "', " + x + ")");
      assertArrayEquals(new double[] {c, -s}, vector(r.get(0)), 1e-15, x);
    }
  }

  @Test
  void nullArgumentsGiveNull() {
    Row r = one("SELECT gradient('" + S + "', null) a, jacobian(cast(null AS string), array(1, 2)) b, "
        + "jvp('" + S + "', array(1, 2), cast(null AS array<int>)) c, vjp('" + S + "', null, array(1.0)) d, "
        + "hessian('" + S + "', cast(null AS array<string>)) e");
    for (int i = 0; i < r.length(); i++) {
      assertTrue(r.isNullAt(i), "column " + i);
    }
  }

  @Test
  void stringArraysAreCastAsBuiltinsCastStrings() {
    Row r = one("SELECT gradient('" + S + "', array('1', '2.0')) g, jacobian('" + S + "', array(' 1 ', '2e0')) j");
    assertArrayEquals(new double[] {Math.cos(2), -Math.sin(2)}, vector(r.get(0)), 1e-15);
    assertArrayEquals(new double[] {Math.cos(2), -Math.sin(2)}, matrix(r.get(1))[0], 1e-15);

    Exception e = assertThrows(Exception.class, () -> one("SELECT gradient('" + S + "', array('1', 'two'))"));
    if (ansi) {
      assertEquals("CAST_INVALID_INPUT", condition(e), e::toString);
      assertEquals("22018", sqlState(e), e::toString);
    } else {
      assertEquals("FAILED_EXECUTE_UDF", condition(e), e::toString);
      assertTrue(e.getMessage().contains("gradient: x has a null value at position 2"), e.getMessage());
    }
  }

  @Test
  void argumentsOfAWrongTypeFailAnalysisNamingTheParameter() {
    List<String[]> cases = List.of(
        new String[] {"gradient('" + S + "', 'abc')", "second", "\"STRING\""},
        new String[] {"jacobian('" + S + "', map(1, 2.0))", "second", "\"MAP<INT, DECIMAL(2,1)>\""},
        new String[] {"evaluate('" + S + "', array(true, false))", "second", "\"ARRAY<BOOLEAN>\""},
        new String[] {"hessian('" + S + "', array(array(1.0D)))", "second", "\"ARRAY<ARRAY<DOUBLE>>\""},
        new String[] {"jvp('" + S + "', array(1, 2), 7)", "third", "\"INT\""});
    for (String[] c : cases) {
      Exception e = assertThrows(Exception.class, () -> spark.sql("SELECT " + c[0]));
      assertEquals("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE", condition(e), c[0] + ": " + e);
      assertEquals("42K09", sqlState(e), c[0]);
      assertTrue(e.getMessage().contains("The " + c[1] + " parameter requires the \"ARRAY<DOUBLE>\" type, however"),
          e.getMessage());
      assertTrue(e.getMessage().contains("has the type " + c[2]), e.getMessage());
    }
  }

  @Test
  void rowAndSpecErrorsAreTheSame() {
    Exception length = assertThrows(Exception.class, () -> one("SELECT gradient('" + S + "', array(1, 2, 3))"));
    assertEquals("FAILED_EXECUTE_UDF", condition(length), length::toString);
    assertEquals("39000", sqlState(length));
    assertTrue(length.getMessage().contains("gradient: x has 3 values but the function <inline> takes 2"),
        length.getMessage());

    Exception nullElement = assertThrows(Exception.class, () -> one("SELECT gradient('" + S + "', array(1, null))"));
    assertEquals("FAILED_EXECUTE_UDF", condition(nullElement), nullElement::toString);

    Exception spec = assertThrows(Exception.class, () -> spark.sql("SELECT gradient('input x; output y', array(1))"));
    assertEquals("USER_RAISED_EXCEPTION", condition(spec), spec::toString);
    assertEquals("P0001", sqlState(spec));
  }

  @Test
  void arithmeticInsideASpecIsIeeeInBothModes() {
    // ANSI's DIVIDE_BY_ZERO and overflow errors belong to SQL operators; a spec computes in doubles
    Row r = one("SELECT evaluate('input x[2]; output y = x[0] / x[1]', array(1, 0)) d, "
        + "evaluate('input x; output log(x)', array(-1)) l, evaluate('input x; output x * x', array(1e300D)) o");
    assertEquals(Double.POSITIVE_INFINITY, vector(r.get(0))[0]);
    assertTrue(Double.isNaN(vector(r.get(1))[0]));
    assertEquals(Double.POSITIVE_INFINITY, vector(r.get(2))[0]);
  }

  /** The error condition of the first SparkThrowable in the cause chain. */
  private static String condition(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SparkThrowable s && s.getCondition() != null) {
        return s.getCondition();
      }
    }
    return null;
  }

  private static String sqlState(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof SparkThrowable s && s.getCondition() != null) {
        return s.getSqlState();
      }
    }
    return null;
  }
}
