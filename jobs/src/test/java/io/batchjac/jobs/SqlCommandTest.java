package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code batchjac sql "QUERY"}: the derivative functions registered, the result table printed. */
class SqlCommandTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = CliSupport.startSpark("SqlCommandTest");
  }

  @AfterAll
  static void stop() {
    CliSupport.stopSpark(spark);
  }

  @Test
  void gradientFromSqlEqualsTheEngine() {
    CliSupport.Run r = cli("sql", "SELECT gradient('" + spec("ishigami.fn") + "', array(1.0D, 2.0D, 3.0D)) AS g");
    assertEquals(0, r.status(), r::toString);
    List<String> lines = r.out().strip().lines().toList();
    assertEquals("g", lines.get(0));
    Tensor g = CliSupport.ENGINE.gradient(CliSupport.graph("ishigami.fn"), Backend.auto(),
        Tensor.of(Shape.of(1, 3), new double[] {1, 2, 3}));
    assertEquals("[" + g.get(0, 0) + ", " + g.get(1, 0) + ", " + g.get(2, 0) + "]", lines.get(1));
  }

  @Test
  void aWrongLengthIsOneErrorLine() {
    CliSupport.Run r = cli("sql", "SELECT gradient('" + spec("ishigami.fn") + "', array(1.0D, 2.0D)) AS g");
    assertEquals(1, r.status(), r::toString);
    List<String> err = r.errLines();
    assertEquals(1, err.size(), r::toString);
    assertTrue(err.get(0).startsWith("batchjac: error: gradient: x has 2 values"), err.get(0));
  }
}
