package io.batchjac.bench;

import io.batchjac.bench.baseline.AnalyticDerivatives;
import io.batchjac.bench.baseline.RangeRunner;
import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Operation;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Row programs against the interpreter and the hand-written analytic Java, in ONE JVM, the sides
 * alternating round by round (docs/fusion.md, "Row programs"): the Borehole gradient and the
 * Ishigami Jacobian on B samples (2 threads, a new result array per call, as {@code Engine} and
 * {@link BaselineBenchmark} do), and the Borehole gradient one sample per call on one thread
 * ({@code PreparedOp.run(..., 1)}, what the SQL functions do). Prints per round the best of
 * {@code REPS} runs of each side, then the least and the median over the rounds and the ratios
 * to the analytic code (per round, then their median).
 *
 * <p>Run: {@code benchmarks/row-programs.sh [ROUNDS] [B] [THREADS]}.
 */
public final class RowProgramComparison {
  private RowProgramComparison() {}

  private static final int REPS = 3;

  public static void main(String[] args) {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
    int threads = args.length > 2 ? Integer.parseInt(args[2]) : 2;
    Executor executor = new Executor(threads, Executor.DEFAULT_CHUNK_DOUBLES);
    RangeRunner runner = new RangeRunner(threads);
    Graph borehole = SpecParser.parseFile(Workload.examples().resolve("borehole.fn")).graph();
    Graph ishigami = SpecParser.parseFile(Workload.examples().resolve("ishigami.fn")).graph();
    double[] xb = new Sampler(borehole, 1).draw(0, batch);
    double[] xi = new Sampler(ishigami, 2).draw(0, batch);
    PreparedOp bRows = with("auto", () -> Operation.GRADIENT.prepare(borehole, Backend.auto(), Engine.Wrt.inputs()));
    PreparedOp bInterp = with("off", () -> Operation.GRADIENT.prepare(borehole, Backend.auto(), Engine.Wrt.inputs()));
    PreparedOp iRows = with("auto", () -> Operation.JACOBIAN.prepare(ishigami, Backend.auto(), Engine.Wrt.inputs()));
    PreparedOp iInterp = with("off", () -> Operation.JACOBIAN.prepare(ishigami, Backend.auto(), Engine.Wrt.inputs()));
    Map<String, Runnable> sides = new LinkedHashMap<>();
    sides.put("borehole gradient, analytic", () -> {
      double[] out = new double[8 * batch];
      runner.run(batch, (from, to) -> AnalyticDerivatives.boreholeJacobian(xb, out, from, to));
    });
    sides.put("borehole gradient, row program", () -> bRows.run(executor, xb, 8, null, batch));
    sides.put("borehole gradient, interpreter", () -> bInterp.run(executor, xb, 8, null, batch));
    sides.put("ishigami jacobian, analytic", () -> {
      double[] out = new double[3 * batch];
      runner.run(batch, (from, to) -> AnalyticDerivatives.ishigamiJacobian(xi, out, from, to));
    });
    sides.put("ishigami jacobian, row program", () -> iRows.run(executor, xi, 3, null, batch));
    sides.put("ishigami jacobian, interpreter", () -> iInterp.run(executor, xi, 3, null, batch));
    int rows = Math.min(batch, 200_000);
    double[][] oneRows = new double[rows][];
    for (int s = 0; s < rows; s++) {
      oneRows[s] = Arrays.copyOfRange(xb, 8 * s, 8 * s + 8);
    }
    Executor one = new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES);
    sides.put("borehole gradient per row, row program", () -> perRow(bRows, one, oneRows));
    sides.put("borehole gradient per row, interpreter", () -> perRow(bInterp, one, oneRows));

    Map<String, List<Double>> best = new LinkedHashMap<>();
    for (String s : sides.keySet()) {
      best.put(s, new ArrayList<>());
    }
    System.out.printf(Locale.ROOT, "B=%d, %d threads (per row: %d rows, 1 thread), %d rounds, best of %d per round, CPU %s%n",
        batch, threads, rows, rounds, REPS, cpu());
    for (int r = -1; r < rounds; r++) { // round -1 warms up
      for (Map.Entry<String, Runnable> e : sides.entrySet()) {
        double b = Double.MAX_VALUE;
        for (int k = 0; k < REPS; k++) {
          long t0 = System.nanoTime();
          e.getValue().run();
          b = Math.min(b, (System.nanoTime() - t0) / 1e9);
        }
        if (e.getKey().contains("per row")) {
          b = b * 1e9 / rows; // ns per row
        }
        if (r >= 0) {
          best.get(e.getKey()).add(b);
          System.out.printf(Locale.ROOT, "round %d  %-42s %s%n", r + 1, e.getKey(), format(e.getKey(), b));
        }
      }
    }
    System.out.println("summary (least / median of the rounds' bests; ratio to the analytic code: least / median of the per-round ratios)");
    for (Map.Entry<String, List<Double>> e : best.entrySet()) {
      String key = e.getKey();
      double[] v = e.getValue().stream().mapToDouble(Double::doubleValue).toArray();
      String ratio = "";
      String analytic = key.replaceAll(", .*", ", analytic");
      if (!key.contains("per row") && !key.equals(analytic)) {
        double[] a = best.get(analytic).stream().mapToDouble(Double::doubleValue).toArray();
        double[] q = new double[v.length];
        for (int i = 0; i < q.length; i++) {
          q[i] = v[i] / a[i];
        }
        ratio = String.format(Locale.ROOT, "  = %.2fx / %.2fx the analytic code", min(q), median(q));
      }
      System.out.printf(Locale.ROOT, "%-42s %s / %s%s%n", key, format(key, min(v)), format(key, median(v)), ratio);
    }
    runner.close();
  }

  private static double perRow(PreparedOp op, Executor one, double[][] rows) {
    double sum = 0;
    for (double[] x : rows) {
      sum += op.run(one, x, 8, null, 1)[0];
    }
    return sum;
  }

  private static String format(String key, double v) {
    return key.contains("per row") ? String.format(Locale.ROOT, "%.1f ns", v) : String.format(Locale.ROOT, "%.4f s", v);
  }

  private static PreparedOp with(String mode, Supplier<PreparedOp> make) {
    System.setProperty("batchjac.rowcode", mode);
    try {
      return make.get();
    } finally {
      System.clearProperty("batchjac.rowcode");
    }
  }

  private static double min(double[] v) {
    return Arrays.stream(v).min().orElse(Double.NaN);
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
  }

  private static String cpu() {
    try {
      for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (java.io.IOException e) {
      // no /proc: not Linux
    }
    return System.getProperty("os.arch");
  }
}
