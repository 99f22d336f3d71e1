package io.batchjac.udfs;

import static io.batchjac.udfs.TestSupport.assertClose;
import static io.batchjac.udfs.TestSupport.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.ServiceLoader;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ways the functions get into a session, all at once: the jar's service entry (always, since
 * the udfs classes are on the class path), {@code spark.sql.extensions}, {@code withExtensions}
 * and {@link BatchjacFunctions#register}. Each works, and the repeats are silent: Spark's
 * "replaced a previously registered function" warning is not printed.
 */
class RegistrationTest {
  private static final String REPLACED = "replaced a previously registered function";
  private static SparkSession spark;
  private static LogCapture startLog;

  @BeforeAll
  static void start() {
    startLog = new LogCapture();
    spark = TestSupport.localBuilder("RegistrationTest")
        .config("spark.sql.extensions", BatchjacExtensions.class.getName())
        .withExtensions(new BatchjacExtensions())
        .getOrCreate();
    spark.sql("SELECT 1").collect(); // builds the session state, and with it the function registry
  }

  @AfterAll
  static void stop() {
    startLog.close();
    TestSupport.stop(spark);
  }

  @Test
  void theServiceEntryNamesTheExtension() {
    List<String> providers = ServiceLoader.load(SparkSessionExtensionsProvider.class).stream()
        .map(p -> p.type().getName()).toList();
    assertTrue(providers.contains(BatchjacExtensions.class.getName()), providers.toString());
  }

  @Test
  void threeRegistrationsGiveWorkingFunctionsAndNoWarning() {
    Row r = spark.sql("SELECT gradient('" + TestSupport.SCALAR + "', array(1.0, 2.0))").first();
    assertClose(new double[] {Math.cos(2), -Math.sin(2)}, vector(r.get(0)), 1e-15, "gradient");
    assertEquals(List.of(), startLog.containing(REPLACED));

    try (LogCapture again = new LogCapture()) {
      BatchjacFunctions.register(spark);
      BatchjacFunctions.register(spark.newSession());
      assertEquals(1, spark.sql("SELECT size(evaluate('input x; output x', array(3.0)))").first().getInt(0));
      assertEquals(List.of(), again.containing(REPLACED));
    }
  }

  @Test
  void aDifferentFunctionUnderTheSameNameStillWarns() {
    // the warning that the tests above expect absent is one this capture does see
    FunctionRegistry copy = ((org.apache.spark.sql.classic.SparkSession) spark).sessionState().functionRegistry().clone();
    try (LogCapture capture = new LogCapture()) {
      copy.registerFunction(FunctionRegistry$.MODULE$.builtinFunctionIdentifier("evaluate"), SparkInternals.info(SqlFunction.GRADIENT),
          SparkInternals.builder(SqlFunction.GRADIENT));
      assertEquals(1, capture.containing(REPLACED).size(), "a real replacement is reported");
    }
  }
}
