package io.batchjac.it;

import static io.batchjac.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import io.batchjac.udfs.BatchjacFunctions;
import io.batchjac.udfs.SafetyConf;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The SQL functions on a shared cluster (driver here, executors in the Workers' JVMs), with the
 * operator's file policy and the default limits: a refused query is followed by a good one in
 * the same session, both when refused on the driver (a constant spec, at analysis) and on the
 * executors (a spec column, per row); loads outside the allowed directory via {@code ..} and via
 * a symbolic link are refused; a file that is not a {@code .npy} is refused without a byte of it.
 * A spark-submit job ({@code SqlJob}) is the operator's own and reads any file, unless its
 * {@code --conf} restricts it.
 */
class SqlSafetyIT {
  private static Path root;

  @RegisterExtension
  static final ClusterExtension CLUSTER = ClusterExtension.withDriverSession("sql-safety-it",
      // one of the two Workers' cores: the other is left for the applications the tests submit
      () -> Map.of(SafetyConf.FILES_ALLOWED, allowed().toString(), "spark.cores.max", "1"));

  private static final String SECRET_LINE = "root:*:0:0:root:/root:/bin/sh";

  private static synchronized Path root() {
    if (root == null) {
      try {
        root = Checks.freshDir("sql-safety-it");
        Files.createDirectories(root.resolve("allowed"));
        Files.createDirectories(root.resolve("outside"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return root;
  }

  private static Path allowed() {
    return root().resolve("allowed");
  }

  private static Path outside() {
    return root().resolve("outside");
  }

  @BeforeAll
  static void files() throws IOException {
    Npy.write(allowed().resolve("w.npy"), Tensor.of(Shape.of(2), new double[] {3, 4}));
    Npy.write(outside().resolve("secret.npy"), Tensor.of(Shape.of(2), new double[] {1234.5, 6789.5}));
    Files.writeString(allowed().resolve("passwd.npy"), SECRET_LINE + "\n");
    Files.createSymbolicLink(allowed().resolve("link.npy"), outside().resolve("secret.npy"));
    BatchjacFunctions.register(spark());
  }

  private static SparkSession spark() {
    return CLUSTER.spark();
  }

  private static String load(Path p) {
    return "param W = load(\"" + p + "\"); input x; output W * x";
  }

  /** The whole message chain of a failed query. */
  private static String refused(String query) {
    Exception e = assertThrows(Exception.class, () -> spark().sql(query).collectAsList());
    StringBuilder sb = new StringBuilder();
    for (Throwable c = e; c != null; c = c.getCause()) {
      sb.append(c.getMessage()).append('\n');
    }
    return sb.toString();
  }

  /** A query over 4 partitions, run by the executors, right after a refused one. */
  private static void aGoodQueryStillRuns() {
    List<Row> rows = spark().sql("SELECT evaluate('" + load(allowed().resolve("w.npy")) + "', array(CAST(id AS DOUBLE))) "
        + "FROM range(0, 40, 1, 4) ORDER BY id").collectAsList();
    for (int i = 0; i < 40; i++) {
      List<Double> v = rows.get(i).getList(0);
      assertArrayEquals(new double[] {3.0 * i, 4.0 * i}, v.stream().mapToDouble(Double::doubleValue).toArray(), "row " + i);
    }
  }

  @Test
  void aResultOverTheLimitIsRefusedAndTheSessionGoesOn() {
    String m = refused("SELECT size(jacobian('input x[5000]; output sin(x)', array_repeat(CAST(id AS DOUBLE), 5000))) "
        + "FROM range(0, 4, 1, 4)");
    assertContains(m, "jacobian: one row's result would have 25000000 values", "the analysis error");
    assertContains(m, SafetyConf.RESULT_VALUES, "the conf");
    aGoodQueryStillRuns();
    // a spec column: refused by the executors, row by row; the executors survive
    String perRow = refused("SELECT size(jacobian(s, x)) FROM (SELECT 'input x[5000]; output sin(x)' || repeat(' ', "
        + "CAST(id % 2 AS INT)) AS s, array_repeat(1.0D, 5000) AS x FROM range(0, 4, 1, 4))");
    assertContains(perRow, "jacobian: one row's result would have 25000000 values", "the executor's error");
    aGoodQueryStillRuns();
  }

  @Test
  void loadsOutsideTheAllowedDirectoryAreRefused() {
    String dotDot = refused("SELECT evaluate('" + load(allowed().resolve("../outside/secret.npy")) + "', array(1.0D))");
    assertContains(dotDot, "not inside the directories specs here may read", "'..'");
    assertFalse(dotDot.contains("1234.5"), dotDot);
    aGoodQueryStillRuns();
    String link = refused("SELECT evaluate('" + load(allowed().resolve("link.npy")) + "', array(1.0D))");
    assertContains(link, "link.npy: not inside the directories specs here may read", "a symbolic link");
    aGoodQueryStillRuns();
    // the same checks on the executors (a spec column: the policy travels with the query)
    String onExecutors = refused("SELECT evaluate(s, array(1.0D)) FROM (SELECT '" + load(allowed().resolve("link.npy"))
        + "' || repeat(' ', CAST(id % 2 AS INT)) AS s FROM range(0, 4, 1, 4))");
    assertContains(onExecutors, "not inside the directories specs here may read", "on the executors");
    aGoodQueryStillRuns();
  }

  @Test
  void spark_submitJobsAreTheOperatorsUnlessTheConfSaysOtherwise() throws Exception {
    String query = "SELECT evaluate('" + load(outside().resolve("secret.npy")) + "', array(2.0D)) AS y";
    SparkSubmitter.Result own = SparkSubmitter.submit(CLUSTER.cluster(),
        List.of("spark.sql.extensions=io.batchjac.udfs.BatchjacExtensions"), "io.batchjac.jobs.SqlJob", List.of(query),
        Duration.ofMinutes(3));
    assertEquals(0, own.status(), own::toString);
    assertContains(own.out(), "[2469.0, 13579.0]", "the operator's own query reads any file");
    SparkSubmitter.Result restricted = SparkSubmitter.submit(CLUSTER.cluster(),
        List.of("spark.sql.extensions=io.batchjac.udfs.BatchjacExtensions",
            SafetyConf.FILES_ALLOWED + "=" + allowed()), "io.batchjac.jobs.SqlJob", List.of(query), Duration.ofMinutes(3));
    assertEquals(1, restricted.status(), restricted::toString);
    assertContains(restricted.err(), "secret.npy: not inside the directories specs here may read", "the refusal");
    assertFalse(restricted.out().contains("2469.0"), restricted.out());
  }

  @Test
  void aFileThatIsNotNpyIsRefusedWithoutAByteOfIt() {
    String m = refused("SELECT evaluate('" + load(allowed().resolve("passwd.npy")) + "', array(1.0D))");
    assertContains(m, "not a .npy file: expected a NumPy array file", "the message");
    assertFalse(m.contains("root") || m.contains("72 6f 6f 74") || m.contains("/bin/sh"), m);
    aGoodQueryStillRuns();
  }
}
