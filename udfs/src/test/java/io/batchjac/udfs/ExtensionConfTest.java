package io.batchjac.udfs;

import static io.batchjac.udfs.TestSupport.assertClose;
import static io.batchjac.udfs.TestSupport.vector;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A fresh session started with {@code --conf spark.sql.extensions=io.batchjac.udfs.BatchjacExtensions}
 * (as spark-submit, spark-sql or a Thrift server would be): the functions are there, in new
 * sessions of the same application too, and {@code SHOW FUNCTIONS} lists them.
 */
class ExtensionConfTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = TestSupport.localBuilder("ExtensionConfTest")
        .config("spark.sql.extensions", BatchjacExtensions.class.getName())
        .getOrCreate();
  }

  @AfterAll
  static void stop() {
    TestSupport.stop(spark);
  }

  @Test
  void theFunctionsComeWithTheConf() {
    String borehole = TestSupport.example("borehole.fn");
    for (SparkSession s : List.of(spark, spark.newSession())) {
      Row r = s.sql("SELECT gradient('" + TestSupport.SCALAR + "', array(1.0, 2.0)) g, "
          + "size(gradient('" + borehole + "', array(0.1, 25000, 89000, 1050, 90, 760, 1400, 11000))) n")
          .collectAsList().get(0);
      assertClose(new double[] {Math.cos(2), -Math.sin(2)}, vector(r.get(0)), 1e-12, "gradient");
      assertEquals(8, r.getInt(1));
    }
    String described = spark.sql("DESCRIBE FUNCTION EXTENDED vjp").collectAsList().stream()
        .map(r -> r.getString(0)).collect(Collectors.joining("\n"));
    assertTrue(described.contains("Usage: vjp(spec, x, v)"), described);
    List<String> listed = spark.sql("SHOW FUNCTIONS LIKE 'jacobian|gradient|jvp|vjp|hessian|evaluate'")
        .collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
    assertEquals(List.of("evaluate", "gradient", "hessian", "jacobian", "jvp", "vjp"), listed);
  }
}
