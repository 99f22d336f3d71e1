package io.batchjac.jobs.core;

import io.batchjac.udfs.SizeText;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The memory a derivative job needs, estimated before it runs, and the refusal of a job that
 * cannot fit (a message with the sizes and the ways out) instead of an {@code OutOfMemoryError}.
 *
 * <p>Per sample the result holds {@code perSample} float64 values (M x N for a Jacobian). A task
 * holds {@code samplesHeld} samples' results at once, {@code copies} times (1 when it writes
 * sub-blocks straight into the local output file; 2 when it returns its block, as a
 * {@code double[]} and its packed bytes); {@code tasksAtOnce} tasks share one heap of
 * {@code heapBytes}. On a cluster the driver also holds up to {@link NpyOutput}'s 3 blocks while
 * writing a {@code .npy}. Of a heap, {@link #USABLE_FRACTION} is counted as usable (the rest is
 * for Spark, the compiled plans and the engine's working buffers).
 */
public record MemoryPlan(String what, long perSample, int[] sampleDims, long samplesHeld, int copies, int tasksAtOnce,
    long heapBytes, long driverBlockBytes, long driverHeapBytes, boolean local) {
  /** Share of a heap counted as usable for results. */
  static final double USABLE_FRACTION = 0.75;

  /** Blocks the driver holds at most while writing a {@code .npy} from a cluster. */
  static final int DRIVER_BLOCKS = 3;

  /** The plan of a job whose partitions hold {@code samplesPerPartition} samples. */
  static MemoryPlan of(SparkSession spark, JobRequest r, int[] dims, long batch, int parts, boolean direct) {
    long per = 1;
    for (int d : dims) {
      per *= d;
    }
    long perPartition = (batch + parts - 1) / Math.max(1, parts);
    boolean local = spark.sparkContext().isLocal();
    SparkConf conf = spark.sparkContext().getConf();
    long driverHeap = Runtime.getRuntime().maxMemory();
    long heap = local ? driverHeap : conf.getSizeAsBytes("spark.executor.memory", "1g");
    int tasks = local ? Math.max(1, spark.sparkContext().defaultParallelism()) : conf.getInt("spark.executor.cores", 1);
    long held = direct ? Math.min(perPartition, PartitionTask.subBlock(per)) : perPartition;
    long driverBlocks = direct || local ? 0 : DRIVER_BLOCKS * perPartition * per * 8;
    String what = r.op().cliName() + " of " + r.spec().name();
    return new MemoryPlan(what, per, dims, Math.max(1, held), direct ? 1 : 2, tasks, heap, driverBlocks, driverHeap, local);
  }

  /** The plan of the job this JVM runs or ran last, or null (read when an out-of-memory error is reported). */
  private static volatile MemoryPlan running;

  /** Notes the plan of the job about to run. */
  static void running(MemoryPlan plan) {
    running = plan;
  }

  /** The plan of the job this JVM runs or ran last, or null. */
  public static MemoryPlan lastRunning() {
    return running;
  }

  /** Bytes of one sample's result. */
  public long sampleBytes() {
    return perSample * 8;
  }

  /** Bytes the tasks sharing one heap hold in results. */
  public long taskBytes() {
    return tasksAtOnce * samplesHeld * copies * sampleBytes();
  }

  /** What is being computed, with the sizes, for messages (also those of an out-of-memory error). */
  public String describe() {
    return what + ": " + dims() + " values per sample (" + SizeText.bytes(sampleBytes()) + "), " + tasksAtOnce
        + (tasksAtOnce == 1 ? " task" : " tasks") + " at once holding " + samplesHeld
        + (samplesHeld == 1 ? " sample" : " samples") + " each (" + SizeText.bytes(taskBytes()) + " in all) in "
        + (local ? "a heap of " : "executor heaps of ") + SizeText.bytes(heapBytes);
  }

  /** Throws an {@link IllegalArgumentException} saying why and what to do when the job cannot fit. */
  public void check() {
    if (perSample > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(what + ": one sample's result would have " + dims() + " = " + perSample
          + " values, more than a Java array holds (2^31 - 1); differentiate fewer values with --wrt NAMES");
    }
    if (samplesHeld * perSample > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException(what + ": a task's block would hold " + samplesHeld + " samples of " + dims()
          + " values, more than a Java array holds (2^31 - 1); cut the batch into more partitions (--partitions P)");
    }
    long usable = (long) (heapBytes * USABLE_FRACTION);
    if (taskBytes() > usable) {
      throw new IllegalArgumentException(what + " does not fit in memory: one sample's result is " + dims()
          + " values (" + SizeText.bytes(sampleBytes()) + "); " + tasksAtOnce + (tasksAtOnce == 1 ? " task" : " tasks")
          + " at once would hold " + SizeText.bytes(taskBytes()) + " but about " + SizeText.bytes(usable) + " of the "
          + SizeText.bytes(heapBytes) + (local ? " heap" : " executor heap") + " is usable. " + fixes());
    }
    long driverUsable = (long) (driverHeapBytes * USABLE_FRACTION);
    if (driverBlockBytes > driverUsable) {
      throw new IllegalArgumentException(what + " does not fit in the driver's memory: it holds up to " + DRIVER_BLOCKS
          + " result blocks (" + SizeText.bytes(driverBlockBytes) + ") while writing the .npy, but about "
          + SizeText.bytes(driverUsable) + " of its " + SizeText.bytes(driverHeapBytes) + " heap is usable. " + fixes());
    }
  }

  /** The ways out, most effective first. */
  String fixes() {
    List<String> ways = new ArrayList<>();
    ways.add("differentiate fewer values with --wrt NAMES (the result is " + dims() + " per sample)");
    ways.add("give the JVM more memory (bin/batchjac: BATCHJAC_JAVA_OPTS=-Xmx<size>; spark-submit: --driver-memory"
        + (local ? "" : " and --executor-memory") + ")");
    if (tasksAtOnce > 1) {
      ways.add(local ? "run fewer tasks at once (--master local[1])" : "run fewer tasks per executor (spark.executor.cores)");
    }
    if (samplesHeld > 1) {
      ways.add("cut the batch into more partitions (--partitions P)");
    }
    return "Ways out: " + String.join("; ", ways) + ".";
  }

  private String dims() {
    StringBuilder sb = new StringBuilder();
    for (int d : sampleDims) {
      sb.append(sb.length() == 0 ? "" : " x ").append(d);
    }
    return sb.toString();
  }
}
