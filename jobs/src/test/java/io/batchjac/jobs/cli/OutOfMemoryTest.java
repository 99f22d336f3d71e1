package io.batchjac.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.Test;

/** An out-of-memory error is recognised however it arrives, and reported with the heap and what to try. */
class OutOfMemoryTest {
  @Test
  void recognisedThrownWrappedOrNamedByASparkTaskFailure() {
    assertTrue(OutOfMemory.is(new OutOfMemoryError("Java heap space")));
    assertTrue(OutOfMemory.is(new SparkException("task failed", new OutOfMemoryError("Java heap space"))));
    assertTrue(OutOfMemory.is(new SparkException("Job aborted due to stage failure: Task 0 in stage 1.0 failed 1 "
        + "times, most recent failure: Lost task 0.0: java.lang.OutOfMemoryError: Java heap space")));
    assertFalse(OutOfMemory.is(new UncheckedIOException("disk full", new java.io.IOException("disk full"))));
    assertFalse(OutOfMemory.is(new IllegalStateException((String) null)));
  }

  @Test
  void theReportNamesTheHeapTheWorkAndTheWaysOut() {
    String report = OutOfMemory.report("sql");
    assertTrue(report.startsWith("out of memory (the Java heap of "), report);
    assertTrue(report.contains(" is full) while "), report);
    assertTrue(report.contains("BATCHJAC_JAVA_OPTS=-Xmx<size>"), report);
    assertTrue(report.contains("--wrt NAMES"), report);
    assertTrue(report.contains("--chunk K"), report);
    assertFalse(report.equals("Java heap space"));
  }
}
