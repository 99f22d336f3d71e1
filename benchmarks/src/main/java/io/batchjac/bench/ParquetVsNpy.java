package io.batchjac.bench;

import io.batchjac.engine.ir.Graph;
import io.batchjac.jobs.core.DerivativeJob;
import io.batchjac.jobs.core.JobRequest;
import io.batchjac.jobs.core.Operation;
import io.batchjac.jobs.core.ParquetLayout;
import io.batchjac.jobs.core.SpecBundle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * The same derivative job written as {@code .npy}, as nested Parquet and as flat Parquet, in one
 * JVM and one run (issue 14 item 7: Parquet within 2x of {@code .npy}): the MLP Jacobian at B
 * samples read from a {@code .npy} input, {@code local[2]}, the three outputs alternating round by
 * round (the order rotates each round), each run after {@link Workload#settle()}; a warm-up round
 * excludes Spark's start-up and the JIT.
 * Prints every time, then best and median per output and the ratios to {@code .npy}.
 *
 * <p>Run: {@code benchmarks/parquet-vs-npy.sh [B] [rounds]}.
 */
public final class ParquetVsNpy {
  private ParquetVsNpy() {}

  private static final String[] OUTPUTS = {"npy", "parquet nested", "parquet flat"};

  public static void main(String[] args) throws Exception {
    long batch = args.length > 0 ? Long.parseLong(args[0]) : 1_000_000L;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path spec = Workload.examples().resolve("mlp.fn");
    Path dir = Files.createTempDirectory("batchjac-parquet-bench");
    SparkSession spark = SparkSession.builder().master("local[2]").appName("parquet-vs-npy")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      SpecBundle bundle = SpecBundle.of(spec.toString());
      Graph f = bundle.graph();
      Path input = dir.resolve("x.npy");
      Workload.drawnInputs(f, (int) batch, input);
      for (int k = 0; k < OUTPUTS.length; k++) {
        run(spark, bundle, input, dir, k); // warm-up
      }
      double[][] t = new double[OUTPUTS.length][rounds];
      for (int r = 0; r < rounds; r++) {
        for (int i = 0; i < OUTPUTS.length; i++) {
          int k = (i + r) % OUTPUTS.length;
          Workload.settle();
          t[k][r] = run(spark, bundle, input, dir, k);
          System.out.printf(Locale.ROOT, "round %d %-15s %.2f s%n", r + 1, OUTPUTS[k], t[k][r]);
        }
      }
      System.out.printf(Locale.ROOT, "B = %d, mlp jacobian, local[2], max heap %d MiB%n", batch,
          Runtime.getRuntime().maxMemory() >> 20);
      double[] npy = sorted(t[0]);
      for (int k = 0; k < OUTPUTS.length; k++) {
        double[] s = sorted(t[k]);
        System.out.printf(Locale.ROOT, "%-15s best %.2f s, median %.2f s; / npy: best %.2f, median %.2f%n", OUTPUTS[k],
            s[0], s[rounds / 2], s[0] / npy[0], s[rounds / 2] / npy[rounds / 2]);
      }
    } finally {
      spark.stop();
      try (var s = Files.walk(dir)) {
        s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
  }

  private static double[] sorted(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s;
  }

  private static double run(SparkSession spark, SpecBundle bundle, Path input, Path dir, int output) throws Exception {
    Path out = dir.resolve(output == 0 ? "jac.npy" : "jac.parquet");
    ParquetLayout layout = output == 2 ? ParquetLayout.FLAT : ParquetLayout.NESTED;
    JobRequest r = new JobRequest(bundle, Operation.JACOBIAN, "auto", 0, List.of(), input, -1, 0, null, Map.of(),
        out, true, 0, null, layout);
    long t0 = System.nanoTime();
    DerivativeJob.run(spark, r);
    return (System.nanoTime() - t0) / 1e9;
  }
}
