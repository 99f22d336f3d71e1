package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batchjac sql "QUERY"}: the derivative functions found (the session gets them from the udfs
 * jar's service entry; the command registers nothing), the result table printed.
 */
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
  void aRowResultOverTheLimitIsRefusedBeforeItRunsAndTheNextQueryWorks() {
    // the query: 2.5e9 values per row used to exhaust the memory and stop the SparkContext
    CliSupport.Run r = cli("sql", "SELECT size(jacobian('input x[50000]; output sin(x)', array_repeat(1.0D, 50000)))");
    assertEquals(1, r.status(), r::toString);
    List<String> err = r.errLines();
    assertEquals(1, err.size(), r::toString);
    assertTrue(err.get(0).startsWith("batchjac: error: [USER_RAISED_EXCEPTION] jacobian: one row's result would have "
        + "2500000000 values (50000 x 50000 derivatives, 18.6 GiB), more than the limit of 16777216 values per row; "
        + "the operator raises spark.batchjac.limits.resultValues"), err.get(0));
    gradientFromSqlEqualsTheEngine();
  }

  @Test
  void theOperatorsQueriesReadAnyFile(@TempDir Path dir) throws Exception {
    Npy.write(dir.resolve("w.npy"), Tensor.of(Shape.of(2), new double[] {3, 4}));
    CliSupport.Run r = cli("sql", "SELECT evaluate('param W = load(\"" + dir.resolve("w.npy") + "\"); input x; "
        + "output W * x', array(2.0D)) AS y");
    assertEquals(0, r.status(), r::toString);
    assertEquals("[6.0, 8.0]", r.out().strip().lines().toList().get(1));
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
