package io.batchjac.bench;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Tensor;
import io.batchjac.jobs.core.DerivativeJob;
import io.batchjac.jobs.core.JobRequest;
import io.batchjac.jobs.core.Operation;
import io.batchjac.jobs.core.SpecBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The jobs path against the in-process engine, in one JVM and one run (issue target: the job at
 * most 1.5x the engine): the MLP Jacobian at B samples on the same inputs, the job on
 * {@code local[2]} reading them from a {@code .npy} file and writing the {@code .npy} result, the
 * engine on 2 threads holding them in memory. Spark start-up and the first job's warm-up are
 * excluded by a warm-up job; the two sides then run {@code repeats} times each, alternated, each
 * run after {@link Workload#settle()}.
 *
 * <p>Run: {@code benchmarks/job-vs-engine.sh} (adds Spark to the class path and -Xmx1g).
 */
public final class JobVsEngine {
  private JobVsEngine() {}

  public static void main(String[] args) throws Exception {
    long batch = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int repeats = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    int partitions = args.length > 2 ? Integer.parseInt(args[2]) : 0; // 0: the job's default
    Path spec = Workload.examples().resolve("mlp.fn");
    Path dir = Files.createTempDirectory("batchjac-job-bench");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("job-vs-engine")
        .config("spark.ui.enabled", "false").config("spark.driver.maxResultSize", "0")
        .config("spark.task.maxDirectResultSize", "64m").getOrCreate();
    try {
      SpecBundle bundle = SpecBundle.of(spec.toString());
      Graph f = bundle.graph();
      Path input = dir.resolve("x.npy");
      Tensor x = Workload.drawnInputs(f, (int) batch, input);
      double[] job = new double[repeats];
      double[] eng = new double[repeats];
      Engine engine = new Engine(new Executor(2, Executor.DEFAULT_CHUNK_DOUBLES));
      run(spark, bundle, input, dir, partitions); // warm-up: Spark's first job, JIT
      engine.batchedJacobian(f, Backend.auto(), x);
      for (int i = 0; i < repeats; i++) { // alternated, each from a settled machine
        Workload.settle();
        job[i] = run(spark, bundle, input, dir, partitions);
        Workload.settle();
        long t0 = System.nanoTime();
        engine.batchedJacobian(f, Backend.auto(), x);
        eng[i] = (System.nanoTime() - t0) / 1e9;
      }
      Arrays.sort(job);
      Arrays.sort(eng);
      long heapMb = Runtime.getRuntime().maxMemory() >> 20;
      System.out.printf(Locale.ROOT, "B = %d, mlp jacobian, 2 cores, max heap %d MiB%n", batch, heapMb);
      System.out.printf(Locale.ROOT, "engine in-process, 2 threads: best %.2f s, median %.2f s%n", eng[0], eng[repeats / 2]);
      System.out.printf(Locale.ROOT, "job local[2] -> .npy:         best %.2f s, median %.2f s%n", job[0], job[repeats / 2]);
      System.out.printf(Locale.ROOT, "ratio job / engine:           best %.2f, median %.2f%n", job[0] / eng[0],
          job[repeats / 2] / eng[repeats / 2]);
    } finally {
      spark.stop();
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double run(SparkSession spark, SpecBundle bundle, Path input, Path dir, int partitions)
      throws Exception {
    JobRequest r = new JobRequest(bundle, Operation.JACOBIAN, "auto", 0, List.of(), input, -1, 0, null, Map.of(),
        dir.resolve("jac.npy"), true, partitions);
    long t0 = System.nanoTime();
    DerivativeJob.run(spark, r);
    return (System.nanoTime() - t0) / 1e9;
  }
}
