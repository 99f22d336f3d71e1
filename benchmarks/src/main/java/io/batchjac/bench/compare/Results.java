package io.batchjac.bench.compare;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The raw results of one comparison run, as written by {@code benchmarks/compare.sh} into one
 * directory: {@code limits.json} ({@link MachineLimits}), {@code jmh.json} (JMH's
 * {@code -rf json}: one entry per benchmark and parameter set, SingleShotTime in ms per whole
 * batch) and {@code torch.json} (the PyTorch peer: one record per workload, kind and route).
 */
final class Results {
  final Map<String, Object> limits;
  private final List<Object> jmh;
  final Map<String, Object> torch;
  /** {@code bench.jsonl}: one {@code bin/batchjac bench --json} object per line (empty when absent). */
  final List<Map<String, Object>> bench;

  private Results(Map<String, Object> limits, List<Object> jmh, Map<String, Object> torch,
      List<Map<String, Object>> bench) {
    this.limits = limits;
    this.jmh = jmh;
    this.torch = torch;
    this.bench = bench;
  }

  @SuppressWarnings("unchecked")
  static Results load(Path dir) throws IOException {
    List<Map<String, Object>> bench = new ArrayList<>();
    Path benchFile = dir.resolve("bench.jsonl");
    if (Files.isRegularFile(benchFile)) {
      for (String line : Files.readAllLines(benchFile)) {
        if (!line.isBlank()) {
          bench.add((Map<String, Object>) Json.parse(line));
        }
      }
    }
    return new Results(
        (Map<String, Object>) Json.parse(read(dir.resolve("limits.json"))),
        (List<Object>) Json.parse(read(dir.resolve("jmh.json"))),
        (Map<String, Object>) Json.parse(read(dir.resolve("torch.json"))), bench);
  }

  /**
   * The {@code bin/batchjac bench} result of spec {@code name} (file name without {@code .fn}),
   * operation and batch size; times in seconds.
   */
  Optional<Map<String, Object>> bench(String name, String op, int batch) {
    for (Map<String, Object> b : bench) {
      String spec = String.valueOf(b.get("spec"));
      String file = spec.substring(spec.lastIndexOf('/') + 1);
      if (file.equals(name + ".fn") && op.equals(b.get("op")) && ((Number) b.get("batch")).intValue() == batch) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }

  private static String read(Path p) throws IOException {
    if (!Files.isRegularFile(p)) {
      throw new IOException("missing result file " + p + " (run benchmarks/compare.sh)");
    }
    return Files.readString(p);
  }

  double limit(String key) {
    return ((Number) limits.get(key)).doubleValue();
  }

  /**
   * The JMH result of benchmark class {@code bench} whose parameter {@code param} equals
   * {@code value} (and {@code extra}/{@code extraValue} when given); times in seconds.
   */
  @SuppressWarnings("unchecked")
  Optional<Timing> jmh(String bench, int batch, String... paramsAndValues) {
    for (Object o : jmh) {
      Map<String, Object> r = (Map<String, Object>) o;
      String name = (String) r.get("benchmark");
      if (!name.endsWith("." + bench + ".run")) {
        continue;
      }
      Map<String, Object> params = (Map<String, Object>) r.get("params");
      boolean match = true;
      for (int i = 0; i < paramsAndValues.length; i += 2) {
        match &= params != null && paramsAndValues[i + 1].equals(params.get(paramsAndValues[i]));
      }
      if (!match) {
        continue;
      }
      Map<String, Object> metric = (Map<String, Object>) r.get("primaryMetric");
      List<Double> secs = new ArrayList<>();
      for (Object fork : (List<Object>) metric.get("rawData")) {
        for (Object t : (List<Object>) fork) {
          secs.add(((Number) t).doubleValue() / 1e3); // ms/op, one op = one batch
        }
      }
      return Optional.of(Timing.of(bench, batch, secs));
    }
    return Optional.empty();
  }

  /** The peer's fastest route (by best time) for a workload and kind (jacobian, hessian, jvp, vjp). */
  @SuppressWarnings("unchecked")
  Optional<Timing> torchBest(String workload, String kind) {
    Timing best = null;
    for (Object o : (List<Object>) torch.get("records")) {
      Map<String, Object> r = (Map<String, Object>) o;
      if (!workload.equals(r.get("workload")) || !kind.equals(r.get("kind")) || !Boolean.TRUE.equals(r.get("ok"))) {
        continue;
      }
      List<Double> secs = ((List<Object>) r.get("times_s")).stream().map(t -> ((Number) t).doubleValue()).toList();
      Timing t = Timing.of((String) r.get("method"), ((Number) r.get("B")).intValue(), secs);
      if (best == null || t.best() < best.best()) {
        best = t;
      }
    }
    return Optional.ofNullable(best);
  }

  /** Routes the peer tried for a workload and kind, and how many of them failed. */
  @SuppressWarnings("unchecked")
  int[] torchRouteCounts(String workload, String kind) {
    int ok = 0;
    int failed = 0;
    for (Object o : (List<Object>) torch.get("records")) {
      Map<String, Object> r = (Map<String, Object>) o;
      if (workload.equals(r.get("workload")) && kind.equals(r.get("kind"))) {
        if (Boolean.TRUE.equals(r.get("ok"))) {
          ok++;
        } else {
          failed++;
        }
      }
    }
    return new int[] {ok, failed};
  }

  @SuppressWarnings("unchecked")
  Map<String, Object> torchMeta() {
    return (Map<String, Object>) torch.get("meta");
  }
}
