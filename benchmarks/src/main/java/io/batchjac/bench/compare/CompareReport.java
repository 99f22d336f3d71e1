package io.batchjac.bench.compare;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Writes the side-by-side comparison from one run's raw results (see {@link Results}):
 * {@code compare.md} (batchjac vs PyTorch's best route per workload, the in-JVM anchors, the
 * roofline, the targets met or missed, the batch sweep) and two charts,
 * {@code compare-throughput.png} and {@code compare-sweep.png}.
 *
 * <p>The headline figures (the first table, the anchors, the roofline and the targets) are the
 * user's command, {@code bin/batchjac bench} on default settings ({@code bench.jsonl}), as issue 14
 * asks; JMH's figures of the same workloads follow as the detailed instrument.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.batchjac.bench.compare.CompareReport RAW_DIR OUT_DIR}
 * ({@code benchmarks/compare.sh} does).
 */
public final class CompareReport {
  private static final String[] SWEEP = {"mlp:jacobian:auto", "borehole:jacobian:auto"};

  private final Results r;
  private final StringBuilder md = new StringBuilder();
  private final List<String> targets = new ArrayList<>();

  private CompareReport(Results r) {
    this.r = r;
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 2) {
      System.err.println("usage: CompareReport RAW_DIR OUT_DIR");
      System.exit(2);
    }
    Path out = Path.of(args[1]);
    Files.createDirectories(out);
    CompareReport report = new CompareReport(Results.load(Path.of(args[0])));
    String text = report.write(out);
    Files.writeString(out.resolve("compare.md"), text);
    System.out.print(text);
  }

  private String write(Path out) throws Exception {
    header();
    sideBySide();
    jmhRows();
    anchors();
    roofline();
    md.append("\n## Targets\n\n");
    for (String t : targets) {
      md.append("- ").append(t).append('\n');
    }
    sweep(out);
    throughputChart(out);
    return md.toString();
  }

  /** The workload's EngineBenchmark timing of this run (the JMH microscope). */
  private Optional<Timing> engineJmh(Row row) {
    return r.jmh("EngineBenchmark", row.batch(), "workload", row.engineKey());
  }

  /** How the peer's malloc was set (compare.sh keeps freed memory; see there), or "" when not recorded. */
  private static String mallocNote(Map<String, Object> meta) {
    if (!(meta.get("env") instanceof Map<?, ?> env) || env.get("MALLOC_TOP_PAD_") == null) {
      return "";
    }
    return String.format(Locale.ROOT, ", with glibc's malloc keeping freed memory (MALLOC_MMAP_THRESHOLD_=%s,"
        + " MALLOC_TRIM_THRESHOLD_=%s, MALLOC_TOP_PAD_=%s: without it, fresh pages faulted in per tensor made"
        + " PyTorch 3-12x slower on this project's virtual machines)", env.get("MALLOC_MMAP_THRESHOLD_"),
        env.get("MALLOC_TRIM_THRESHOLD_"), env.get("MALLOC_TOP_PAD_"));
  }

  private void header() {
    Map<String, Object> meta = r.torchMeta();
    md.append("# batchjac vs PyTorch, side by side\n\n");
    md.append("Written by `benchmarks/compare.sh` (").append(r.limits.get("time")).append("): everything below was measured in")
        .append(" that one run on this machine (").append(meta.get("cpu")).append(", ").append(num(meta.get("nproc")))
        .append(" cores; CPU model ").append(cpuModel()).append("). batchjac: the user's command,")
        .append(" `bin/batchjac bench --spec conf/examples/NAME.fn --op OP --batch B --roofline --json` on default settings")
        .append(" (a fresh JVM per workload, best and median of 5 runs after 2 warm-ups, backend auto, all cores), BLAS ")
        .append(r.limits.get("blas")).append(openBlasCore())
        .append(". PyTorch ").append(meta.get("torch")).append(" (").append(meta.get("blas")).append(", ")
        .append(num(meta.get("torch_num_threads"))).append(" threads): every full-batch route of `benchmarks/peers/torch_bench.py`")
        .append(Boolean.TRUE.equals(meta.get("fast")) ? " (`--fast`: the O(B^2) routes, never the fastest, skipped)" : "")
        .append(", best and median of 3 runs of the fastest route").append(mallocNote(meta))
        .append(". Both sides draw their inputs from the same")
        .append(" distributions (different generators) and use the same network weights.\n\n");
    md.append(String.format(Locale.ROOT, "Machine limits, same run: dgemm %.1f GFLOP/s (%s, all threads at once); memory"
            + " bandwidth %.1f GB/s (%s); each the best of a measurement before and after the benchmarks. 1-minute load"
            + " average when the limits were measured: %s; when the PyTorch"
            + " peer started: %s.%n",
        r.limit("dgemm_gflops"), r.limits.get("dgemm_shape"), r.limit("bandwidth_gbs"), r.limits.get("bandwidth_kernel"),
        r.limits.get("loadavg"), loadavgStart(meta)));
    double load = toDouble(loadavgStart(meta));
    for (String l : String.valueOf(r.limits.get("loadavg")).split(", then ")) {
      load = Math.max(load, toDouble(l));
    }
    if (load > 1.5) {
        md.append("\n**Provisional:** the machine was busy with other work during this run (load average ")
            .append(String.format(Locale.ROOT, "%.1f", load))
            .append(" on ").append(num(meta.get("nproc"))).append(" cores); ratios are indicative only. Rerun on a quiet machine.\n");
    }
  }

  private void sideBySide() {
    md.append("\n## batchjac and PyTorch's best route\n\n");
    md.append("| workload | B | `bench` best / median s | mode | PyTorch best route | PyTorch best / median s | speedup (best) | target |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Row row : Row.TABLE) {
      Optional<Timing> ours = ours(row);
      Optional<Timing> torch = r.torchBest(row.torchWorkload(), row.torchKind());
      String speed = "n/a";
      String verdict = "n/a";
      if (ours.isPresent() && torch.isPresent()) {
        double s = torch.get().bestAt(row.batch()) / ours.get().best();
        speed = String.format(Locale.ROOT, "%.1fx", s);
        verdict = (s >= row.speedupTarget() ? "met" : "missed") + String.format(Locale.ROOT, " (>= %.0fx)", row.speedupTarget());
        targets.add(String.format(Locale.ROOT, "%s: %.1fx faster than PyTorch's best route (target %.0fx): **%s**",
            row.label(), s, row.speedupTarget(), s >= row.speedupTarget() ? "met" : "missed"));
      }
      md.append("| ").append(row.label()).append(" | ").append(String.format(Locale.ROOT, "%,d", row.batch())).append(" | ")
          .append(ours.map(t -> sec(t.best()) + " / " + sec(t.median())).orElse("n/a")).append(" | ")
          .append(benchOf(row).map(m -> String.valueOf(m.get("mode"))).orElse("-")).append(" | ")
          .append(torch.map(Timing::route).orElse("n/a (" + failures(row) + ")")).append(" | ")
          .append(torch.map(t -> sec(t.bestAt(row.batch())) + " / " + sec(t.medianAt(row.batch()))).orElse("n/a"))
          .append(" | ").append(speed).append(" | ").append(verdict).append(" |\n");
    }
  }

  /**
   * The same workloads timed by JMH ({@code EngineBenchmark}: one invocation = one whole batch, a
   * pre-touched heap), the detailed instrument beside the user's command, against the same PyTorch
   * runs.
   */
  private void jmhRows() {
    md.append("\n## The same workloads under JMH (the microscope)\n\n");
    md.append("`EngineBenchmark` in this same run: one invocation = one whole batch, best and median of the timed")
        .append(" runs, a forked JVM with a pre-touched heap. Not the headline: users run `bin/batchjac bench`.\n\n");
    md.append("| workload | B | JMH best / median s | PyTorch best s | speedup (best) |\n");
    md.append("|---|---|---|---|---|\n");
    for (Row row : Row.TABLE) {
      Optional<Timing> jmh = engineJmh(row);
      if (jmh.isEmpty()) {
        continue;
      }
      Optional<Timing> torch = r.torchBest(row.torchWorkload(), row.torchKind());
      md.append("| ").append(row.label()).append(" | ").append(String.format(Locale.ROOT, "%,d", row.batch())).append(" | ")
          .append(sec(jmh.get().best())).append(" / ").append(sec(jmh.get().median())).append(" | ")
          .append(torch.map(t -> sec(t.bestAt(row.batch()))).orElse("n/a")).append(" | ")
          .append(torch.map(t -> String.format(Locale.ROOT, "%.1fx", t.bestAt(row.batch()) / jmh.get().best())).orElse("n/a"))
          .append(" |\n");
    }
  }

  private void anchors() {
    md.append("\n## The in-JVM anchors (same inputs, same threads)\n\n");
    md.append("Hipparchus 4.0.3 `Gradient` / `DerivativeStructure` (forward-mode objects, one sample at a time) and")
        .append(" hand-written analytic Jacobians (plain loops, chain rule by hand): `BaselineBenchmark`. Hipparchus's")
        .append(" network workloads run on fewer samples (noted) and are scaled to B. The baselines run in JMH forks")
        .append(" on a pre-touched heap, `bin/batchjac bench` on the default heap, where a result can land in pages not")
        .append(" touched yet: the last column compares like with like (JMH's `EngineBenchmark`, same heap set-up;")
        .append(" `benchmarks/row-programs.sh` alternates both sides in one JVM).\n\n");
    md.append("| workload | B | batchjac best s | Hipparchus best s | batchjac faster by | hand-written best s | batchjac / hand-written |"
        + " JMH / hand-written |\n");
    md.append("|---|---|---|---|---|---|---|---|\n");
    for (Row row : Row.TABLE) {
      if (row.hipparchusKey() == null && row.analyticKey() == null) {
        continue;
      }
      Optional<Timing> ours = ours(row);
      Optional<Timing> hip = baseline(row.hipparchusKey());
      Optional<Timing> ana = baseline(row.analyticKey());
      md.append("| ").append(row.label()).append(" | ").append(String.format(Locale.ROOT, "%,d", row.batch())).append(" | ")
          .append(ours.map(t -> sec(t.best())).orElse("n/a")).append(" | ")
          .append(hip.map(t -> sec(t.bestAt(row.batch())) + (t.batch() != row.batch()
              ? String.format(Locale.ROOT, " (B=%,d: %s)", t.batch(), sec(t.best())) : "")).orElse("-")).append(" | ")
          .append(ours.isPresent() && hip.isPresent()
              ? String.format(Locale.ROOT, "%.0fx", hip.get().bestAt(row.batch()) / ours.get().best()) : "-").append(" | ")
          .append(ana.map(t -> sec(t.best())).orElse("-")).append(" | ");
      Optional<Timing> jmh = engineJmh(row);
      String likeForLike = jmh.isPresent() && ana.isPresent()
          ? String.format(Locale.ROOT, "%.2f", jmh.get().best() / ana.get().bestAt(row.batch())) : "-";
      if (ours.isPresent() && ana.isPresent()) {
        double ratio = ours.get().best() / ana.get().bestAt(row.batch());
        md.append(String.format(Locale.ROOT, "%.2f", ratio));
        if (row.analyticTarget() > 0) {
          targets.add(String.format(Locale.ROOT, "%s: %.2fx the hand-written analytic time (target within %.1fx): **%s**"
                  + " (JMH, both on a pre-touched heap: %sx)",
              row.label(), ratio, row.analyticTarget(), ratio <= row.analyticTarget() ? "met" : "missed", likeForLike));
        }
      } else {
        md.append('-');
      }
      md.append(" | ").append(likeForLike).append(" |\n");
    }
  }

  private void roofline() throws Exception {
    double peak = r.limit("dgemm_gflops");
    double bw = r.limit("bandwidth_gbs");
    md.append("\n## The roofline\n\n");
    md.append("Per sample: the GEMM FLOPs our plan executes (identity seeds folded, so they depend on the mode) and the")
        .append(" least memory traffic (inputs read once, result written once). The bound is")
        .append(" max(FLOPs / dgemm rate, bytes / bandwidth); elementwise work (tanh, log, divisions) is not in it, so for")
        .append(" the closed-form functions the hand-written code is the tighter limit.\n\n");
    md.append("| workload | GEMM FLOP/sample | bytes/sample | GEMM GFLOP/s reached | of dgemm | GB/s (least traffic) | of bandwidth | roofline bound s | fraction of roofline |\n");
    md.append("|---|---|---|---|---|---|---|---|---|\n");
    for (Row row : Row.TABLE) {
      Optional<Timing> ours = ours(row);
      if (ours.isEmpty()) {
        continue;
      }
      double[] fb = row.flopsAndBytesPerSample();
      double t = ours.get().best();
      int b = row.batch();
      double gflops = fb[0] * b / t / 1e9;
      double gbs = fb[1] * b / t / 1e9;
      double bound = Math.max(fb[0] * b / (peak * 1e9), fb[1] * b / (bw * 1e9));
      md.append(String.format(Locale.ROOT, "| %s | %,.0f | %,.0f | %.1f | %s | %.1f | %.0f%% | %s | %.0f%% |%n",
          row.label(), fb[0], fb[1], gflops, fb[0] > 0 ? String.format(Locale.ROOT, "%.0f%%", 100 * gflops / peak) : "-",
          gbs, 100 * gbs / bw, sec(bound), 100 * bound / t));
      if (row.dgemmTarget() > 0) {
        targets.add(String.format(Locale.ROOT, "%s: %.0f%% of the dgemm rate (target %.0f%%): **%s**",
            row.label(), 100 * gflops / peak, 100 * row.dgemmTarget(), gflops >= row.dgemmTarget() * peak ? "met" : "missed"));
      }
    }
  }

  private void sweep(Path out) throws Exception {
    md.append("\n## How cost grows with B (batchjac)\n\n");
    md.append("`SweepBenchmark`: the mean time per call over 1-second iterations (warm code even at small B);")
        .append(" best and median of the iterations.\n\n");
    md.append("| workload | B | best s | median s | samples/s |\n|---|---|---|---|---|\n");
    Map<String, double[][]> series = new LinkedHashMap<>();
    for (String w : SWEEP) {
      List<double[]> pts = new ArrayList<>();
      for (int b : new int[] {1000, 10000, 100000, 1000000}) {
        Optional<Timing> t = r.jmh("SweepBenchmark", b, "workload", w, "batch", Integer.toString(b));
        if (t.isPresent()) {
          md.append(String.format(Locale.ROOT, "| %s | %,d | %s | %s | %,.0f |%n", w, b, sec(t.get().best()),
              sec(t.get().median()), t.get().samplesPerSecond()));
          pts.add(new double[] {b, t.get().samplesPerSecond()});
        }
      }
      if (!pts.isEmpty()) {
        double[][] xy = new double[2][pts.size()];
        for (int i = 0; i < pts.size(); i++) {
          xy[0][i] = pts.get(i)[0];
          xy[1][i] = pts.get(i)[1];
        }
        series.put(w.replace(":auto", ""), xy);
      }
    }
    if (!series.isEmpty()) {
      Charts.sweep(out.resolve("compare-sweep.png"), "batchjac: samples/s against batch size", series);
      md.append("\n![samples/s against B](compare-sweep.png)\n");
    }
  }

  private void throughputChart(Path out) throws Exception {
    List<String> cats = new ArrayList<>();
    List<Double> ours = new ArrayList<>();
    List<Double> torch = new ArrayList<>();
    for (Row row : Row.TABLE) {
      Optional<Timing> o = ours(row);
      Optional<Timing> t = r.torchBest(row.torchWorkload(), row.torchKind());
      if (o.isPresent() && t.isPresent()) {
        cats.add(row.shortLabel());
        ours.add(o.get().samplesPerSecond());
        torch.add(t.get().samplesPerSecond());
      }
    }
    if (cats.isEmpty()) {
      return;
    }
    Map<String, List<Double>> series = new LinkedHashMap<>();
    series.put("batchjac", ours);
    series.put("PyTorch (best route)", torch);
    Charts.throughput(out.resolve("compare-throughput.png"), "samples/s per workload, same run", cats, series);
    md.append("\n## Chart\n\n![samples/s per workload, batchjac vs PyTorch](compare-throughput.png)\n");
  }

  /** Our time for a row: the {@code bin/batchjac bench} run of its spec, operation and batch size. */
  private Optional<Timing> ours(Row row) {
    return benchOf(row).map(m -> new Timing("bin/batchjac bench", row.batch(), toDouble(m.get("seconds_best")),
        toDouble(m.get("seconds_median")), 5));
  }

  private Optional<Map<String, Object>> benchOf(Row row) {
    String[] key = row.engineKey().split(":");
    return r.bench(key[0], key[1], row.batch());
  }

  /** The CPU model {@code bin/batchjac bench} printed (else the peer's). */
  private String cpuModel() {
    return r.bench.isEmpty() ? String.valueOf(r.torchMeta().get("cpu")) : String.valueOf(r.bench.get(0).get("cpu"));
  }

  private String openBlasCore() {
    Object core = r.bench.isEmpty() ? null : r.bench.get(0).get("openblas_core");
    return core == null ? "" : " (OpenBLAS core: " + core + ")";
  }

  private Optional<Timing> baseline(String key) {
    return key == null ? Optional.empty() : r.jmh("BaselineBenchmark", Row.batchOf(key), "baseline", key);
  }

  private String failures(Row row) {
    int[] c = r.torchRouteCounts(row.torchWorkload(), row.torchKind());
    return c[0] + c[1] == 0 ? "not run" : c[1] + " routes failed";
  }

  @SuppressWarnings("unchecked")
  private static Object loadavgStart(Map<String, Object> meta) {
    Object l = meta.get("loadavg_start");
    return l instanceof List<?> list && !list.isEmpty() ? String.format(Locale.ROOT, "%.2f", toDouble(list.get(0))) : "n/a";
  }

  private static double toDouble(Object o) {
    if (o instanceof Number n) {
      return n.doubleValue();
    }
    try {
      return Double.parseDouble(String.valueOf(o));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private static String num(Object o) {
    return o instanceof Number n ? Long.toString(n.longValue()) : String.valueOf(o);
  }

  private static String sec(double s) {
    return String.format(Locale.ROOT, s < 0.01 ? "%.5f" : s < 1 ? "%.4f" : "%.3f", s);
  }
}
