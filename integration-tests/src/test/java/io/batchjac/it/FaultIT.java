package io.batchjac.it;

import static io.batchjac.it.Checks.assertContains;
import static io.batchjac.it.Checks.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.spark.ExecutorLostFailure;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerExecutorRemoved;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.scheduler.SparkListenerTaskStart;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Faults on a real cluster: an executor JVM killed (SIGKILL, by PID) in the middle of a jacobian
 * job, which Spark's task retry must absorb with a bitwise-identical result; and a job whose
 * every task attempt fails, which must end in one clear error and no output.
 */
class FaultIT {
  @RegisterExtension
  static final ClusterExtension CLUSTER = ClusterExtension.withDriverSession("fault-it");

  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Checks.freshDir("fault-it");
  }

  /** Kills the executor of the {@code killAt}-th task start, once; records what Spark saw. */
  private static final class ExecutorKiller extends SparkListener {
    final int killAt;
    final AtomicInteger started = new AtomicInteger();
    final AtomicBoolean killed = new AtomicBoolean();
    final AtomicBoolean jobRunning = new AtomicBoolean();
    final AtomicInteger removedWhileRunning = new AtomicInteger();
    final List<String> lostTasks = new CopyOnWriteArrayList<>();
    volatile String killedExecutor;
    volatile String searched = "no task started";

    ExecutorKiller(int killAt) {
      this.killAt = killAt;
    }

    @Override
    public void onJobStart(SparkListenerJobStart e) {
      jobRunning.set(true);
    }

    @Override
    public void onJobEnd(SparkListenerJobEnd e) {
      jobRunning.set(false);
    }

    @Override
    public void onTaskStart(SparkListenerTaskStart e) {
      if (started.incrementAndGet() == killAt && killed.compareAndSet(false, true)) {
        String id = e.taskInfo().executorId();
        Optional<ProcessHandle> p = CLUSTER.cluster().executorProcesses().stream()
            .filter(h -> SparkCluster.commandLine(h).contains("--executor-id " + id + " "))
            .findFirst();
        p.ifPresent(h -> {
          killedExecutor = id + " (pid " + h.pid() + ")";
          h.destroyForcibly();
        });
        if (p.isEmpty()) {
          searched = "executor " + id + " not among " + CLUSTER.cluster().describeProcesses();
        }
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd e) {
      if (e.reason() instanceof ExecutorLostFailure lost) {
        lostTasks.add("task " + e.taskInfo().index() + " on executor " + lost.execId());
      }
    }

    @Override
    public void onExecutorRemoved(SparkListenerExecutorRemoved e) {
      if (jobRunning.get()) {
        removedWhileRunning.incrementAndGet();
      }
    }
  }

  @Test
  void killingAnExecutorMidJobChangesNotOneBit() throws Exception {
    Object[] job = {"jacobian", "--spec", ClusterEnv.example("mlp.fn"), "--samples", 240_000, "--seed", 7,
        "--partitions", 48};
    Path undisturbed = dir.resolve("undisturbed.npy");
    Path disturbed = dir.resolve("disturbed.npy");
    cli(concat(job, "--output", undisturbed)).ok();

    ExecutorKiller killer = new ExecutorKiller(6);
    CLUSTER.spark().sparkContext().addSparkListener(killer);
    try {
      cli(concat(job, "--output", disturbed)).ok();
    } finally {
      CLUSTER.spark().sparkContext().removeSparkListener(killer);
    }
    assertTrue(killer.killedExecutor != null, () -> "an executor process was found and killed: " + killer.searched);
    // The listener bus is asynchronous: wait for it to deliver the job's events.
    long deadline = System.nanoTime() + 20_000_000_000L;
    while (killer.removedWhileRunning.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertTrue(killer.removedWhileRunning.get() > 0,
        "Spark saw executor " + killer.killedExecutor + " removed while the job ran");
    System.out.println("FaultIT: killed executor " + killer.killedExecutor + "; tasks lost with it and retried: "
        + killer.lostTasks);
    assertArrayEquals(Files.readAllBytes(undisturbed), Files.readAllBytes(disturbed),
        "the result with an executor killed mid-job equals the undisturbed result byte for byte");
  }

  @Test
  void aJobWhoseEveryAttemptFailsLeavesNothingBehind() throws Exception {
    // A Parquet table whose file is readable on the driver (footer and schema intact) but whose
    // column data is garbage: every executor attempt at reading it fails.
    Path table = dir.resolve("corrupt.parquet");
    CLUSTER.spark().range(0, 20_000, 1, 1)
        .selectExpr("array(CAST(id AS DOUBLE) / 1000, CAST(id AS DOUBLE) / 3000, 1.0D) AS x")
        .write().parquet(table.toString());
    Path part;
    try (Stream<Path> s = Files.list(table)) {
      part = s.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst().orElseThrow();
    }
    try (Stream<Path> s = Files.list(table)) {
      for (Path crc : s.filter(p -> p.getFileName().toString().endsWith(".crc")).toList()) {
        Files.delete(crc); // Hadoop's checksums would catch the damage before Parquet does
      }
    }
    try (RandomAccessFile f = new RandomAccessFile(part.toFile(), "rw")) {
      byte[] junk = new byte[(int) Math.min(4096, f.length() / 2)];
      java.util.Arrays.fill(junk, (byte) 0x5A);
      f.seek(4);
      f.write(junk);
    }
    Path outDir = Checks.freshDir("fault-it-failing");
    Path out = outDir.resolve("ishigami.npy");
    Checks.Run r = cli("jacobian", "--spec", ClusterEnv.example("ishigami.fn"), "--input", table,
        "--output", out);
    assertEquals(1, r.status(), r::toString);
    List<String> lines = r.err().lines().filter(l -> !l.isBlank()).toList();
    assertEquals(1, lines.size(), () -> "one error line: " + r);
    assertContains(lines.get(0), "batchjac: error:", "the error line");
    assertContains(lines.get(0), part.getFileName().toString(), "the error names the file that could not be read");
    assertEquals(List.of(), Checks.list(outDir), "nothing left in the output directory");
  }

  private static Object[] concat(Object[] a, Object... b) {
    Object[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
