package io.batchjac.jobs.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tasks take their compiled operations from the executor JVM's engine ({@code Engine.prepare}):
 * a job compiles each operation once per JVM however many partitions it has, and a second job
 * on the same spec compiles nothing. (local[2]: the executor is this JVM.)
 */
class PartitionTaskCacheTest {
  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSession.builder().appName("PartitionTaskCacheTest").master("local[2]")
        .config("spark.ui.enabled", "false").getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static JobRequest request(SpecBundle spec, Operation op, Path out, int partitions) {
    return new JobRequest(spec, op, "auto", 0, List.of(), null, 5000, 3, null, Map.of(), out, true, partitions, null,
        ParquetLayout.NESTED);
  }

  @Test
  void anOperationCompilesOncePerJvmAcrossPartitions() throws IOException {
    SpecBundle spec = SpecBundle.ofInline("input x[3] ~ uniform(-1, 1); output a = sin(x[0]) * x[1]; output x[2] * x[0]");
    long before = PartitionTask.compilations();
    DerivativeJob.run(spark, request(spec, Operation.JACOBIAN, dir.resolve("J.npy"), 7));
    assertEquals(1, PartitionTask.compilations() - before, "the Jacobian, once for 7 partitions");

    DerivativeJob.run(spark, request(spec, Operation.JACOBIAN, dir.resolve("J2.npy"), 5));
    assertEquals(1, PartitionTask.compilations() - before, "a second job on the same spec compiles nothing");

    DerivativeJob.run(spark, request(spec, Operation.JACOBIAN, dir.resolve("J.parquet"), 6));
    assertEquals(1, PartitionTask.compilations() - before,
        "Parquet's value column comes with the compiled Jacobian (PreparedOp.runInto with values): no new operation");
    assertTrue(Files.isDirectory(dir.resolve("J.parquet")));
    assertEquals(Files.readAllBytes(dir.resolve("J.npy")).length, Files.readAllBytes(dir.resolve("J2.npy")).length);
  }
}
