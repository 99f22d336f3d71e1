package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.jobs.core.MemoryPlan;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CLI memory planning: a job whose per-sample results cannot fit in the heap is refused before it
 * runs, with the sizes and the ways out; a large result that fits runs one sample at a time.
 */
class MemoryPlanTest {
  private static SparkSession spark;

  @BeforeAll
  static void start() {
    spark = CliSupport.startSpark("MemoryPlanTest");
  }

  @AfterAll
  static void stop() {
    CliSupport.stopSpark(spark);
  }

  /** N such that two tasks of one N x N Jacobian each exceed three quarters of this JVM's heap. */
  private static int tooLargeForTheHeap() {
    double bytes = Runtime.getRuntime().maxMemory() * 0.75 / 2;
    int n = (int) Math.ceil(Math.sqrt(bytes / 8) * 1.2);
    assertTrue(n < 46_000, "the test needs a heap under ~12 GiB, this one has " + Runtime.getRuntime().maxMemory());
    return n;
  }

  @Test
  void aJacobianThatCannotFitIsRefusedWithTheSizesAndTheWaysOut(@TempDir Path dir) throws Exception {
    int n = tooLargeForTheHeap();
    Path out = dir.resolve("o.npy");
    CliSupport.Run r = cli("jacobian", "--spec", "input x[" + n + "]; output sin(x)", "--samples", "3", "--output", out);
    assertEquals(1, r.status(), r::toString);
    List<String> err = r.errLines();
    assertEquals(1, err.size(), r::toString);
    String line = err.get(0);
    assertTrue(line.startsWith("batchjac: error: jacobian of <inline> does not fit in memory: one sample's result is "
        + n + " x " + n + " values ("), line);
    assertTrue(line.contains("2 tasks at once would hold "), line);
    assertTrue(line.contains("heap is usable. Ways out: differentiate fewer values with --wrt NAMES (the result is " + n
        + " x " + n + " per sample); give the JVM more memory (bin/batchjac: BATCHJAC_JAVA_OPTS=-Xmx<size>; "
        + "spark-submit: --driver-memory); run fewer tasks at once (--master local[1])."), line);
    assertFalse(line.contains("Java heap space"), line);
    assertEquals(List.of(), CliSupport.listSettled(dir), "no output left behind");
  }

  @Test
  void tooManySamplesPerPartitionAreRefusedWithPartitionsAsAWayOut(@TempDir Path dir) throws Exception {
    // 2000 x 2000 values (30.5 MiB) per sample, 400 samples in one partition: 12 GiB in one block
    CliSupport.Run r = cli("jacobian", "--spec", "input x[2000]; output sin(x)", "--samples", "400", "--partitions", "1",
        "--output", dir.resolve("o.parquet"));
    assertEquals(1, r.status(), r::toString);
    String line = r.errLines().get(0);
    assertTrue(line.contains("cut the batch into more partitions (--partitions P)"), line);
  }

  @Test
  void aResultOfMoreThanAnArrayHoldsIsRefused(@TempDir Path dir) throws Exception {
    CliSupport.Run r = cli("jacobian", "--spec", "input x[50000]; output sin(x)", "--samples", "1", "--output",
        dir.resolve("o.npy"));
    assertEquals(1, r.status(), r::toString);
    assertEquals("batchjac: error: jacobian of <inline>: one sample's result would have 50000 x 50000 = 2500000000 "
        + "values, more than a Java array holds (2^31 - 1); differentiate fewer values with --wrt NAMES",
        r.errLines().get(0));
  }

  @Test
  void aLargeResultThatFitsRunsOneSampleAtATime(@TempDir Path dir) throws Exception {
    // 1500 x 1500 values (17 MiB) per sample: sub-blocks of 3 samples instead of 32 (550 MiB)
    Path out = dir.resolve("o.npy");
    CliSupport.Run r = cli("jacobian", "--spec", "input x[1500]; output sin(x)", "--samples", "4", "--output", out);
    assertEquals(0, r.status(), r::toString);
    double[] j = CliSupport.readNpy(out).data();
    assertEquals(1500L * 1500 * 4, j.length);
    MemoryPlan plan = MemoryPlan.lastRunning();
    assertEquals(1500L * 1500, plan.perSample());
    assertTrue(plan.samplesHeld() < 32, plan.describe());
  }
}
