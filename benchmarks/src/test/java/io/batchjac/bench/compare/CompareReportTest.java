package io.batchjac.bench.compare;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report from a small synthetic run: {@code bin/batchjac bench}'s, JMH's and the peer's JSON
 * layouts are read, the fastest PyTorch route is picked, the headline speedups and issue 14's
 * targets follow from bench's times (JMH's in their own table), and the charts are written.
 */
class CompareReportTest {
  @TempDir
  Path dir;

  @Test
  void writesTablesTargetsAndCharts() throws Exception {
    Path raw = Files.createDirectories(dir.resolve("raw"));
    Files.writeString(raw.resolve("limits.json"), "{\"dgemm_gflops\": 80.0, \"dgemm_shape\": \"s\", \"bandwidth_gbs\": 20.0,"
        + " \"bandwidth_kernel\": \"triad\", \"threads\": 2, \"blas\": \"OpenBLAS\", \"loadavg\": 0.2, \"time\": \"t\"}");
    Files.writeString(raw.resolve("jmh.json"), "[" + jmh("EngineBenchmark", "workload", "mlp:jacobian:auto:65536", 200, 210)
        + "," + jmh("EngineBenchmark", "workload", "ishigami:jacobian:auto:1000000", 30, 31)
        + "," + jmh("BaselineBenchmark", "baseline", "analytic:ishigami:jacobian:1000000", 20, 22)
        + "," + jmh("BaselineBenchmark", "baseline", "hipparchus:mlp:jacobian:4096", 500, 510)
        + "," + sweep("mlp:jacobian:auto", 1000, 5) + "," + sweep("mlp:jacobian:auto", 10000, 20) + "]");
    Files.writeString(raw.resolve("torch.json"), "{\"meta\": {\"cpu\": \"cpu\", \"nproc\": 2, \"torch\": \"1.13\","
        + " \"blas\": \"OpenBLAS\", \"torch_num_threads\": 2, \"fast\": true, \"loadavg_start\": [3.5, 1, 1]}, \"records\": ["
        + torch("mlp", "jacobian", "slow route", 65536, 2.0) + "," + torch("mlp", "jacobian", "fast route", 65536, 0.9)
        + "," + torch("ishigami", "jacobian", "loop", 1000000, 0.046)
        + ", {\"workload\": \"mlp\", \"kind\": \"jacobian\", \"method\": \"broken\", \"B\": 65536, \"ok\": false, \"error\": \"x\"}]}");
    Files.writeString(raw.resolve("bench.jsonl"), "{\"spec\": \"conf/examples/mlp.fn\", \"op\": \"jacobian\","
        + " \"mode\": \"reverse\", \"batch\": 65536, \"seconds_best\": 0.300000, \"seconds_median\": 0.310000,"
        + " \"gemm_gflops\": 20.000, \"dgemm_peak_gflops\": 50.000, \"blas\": \"native OpenBLAS\","
        + " \"openblas_core\": \"SkylakeX (chosen by OpenBLAS)\", \"cpu\": \"AMD EPYC (family 26, model 2), 2 cores\","
        + " \"seconds\": [0.3, 0.31]}\n"
        + "{\"spec\": \"conf/examples/ishigami.fn\", \"op\": \"jacobian\", \"mode\": \"reverse\", \"batch\": 1000000,"
        + " \"seconds_best\": 0.030000, \"seconds_median\": 0.031000, \"gemm_gflops\": 0, \"cpu\": \"AMD EPYC\"}\n");
    Path out = dir.resolve("out");
    CompareReport.main(new String[] {raw.toString(), out.toString()});
    String md = Files.readString(out.resolve("compare.md"));
    // the headline is bin/batchjac bench's time, against the fastest PyTorch route, with issue 14's targets
    assertTrue(md.contains("| 0.3000 / 0.3100 | reverse | fast route | 0.9000 / 0.9000 | 3.0x | missed (>= 4x) |"), md);
    assertTrue(md.contains("| 0.0300 / 0.0310 | reverse | loop | 0.0460 / 0.0460 | 1.5x | missed (>= 4x) |"), md);
    assertTrue(md.contains("1.50x the hand-written analytic time (target within 1.2x): **missed**"), md);
    assertTrue(md.contains("CPU model AMD EPYC (family 26, model 2), 2 cores"), md);
    assertTrue(md.contains("(OpenBLAS core: SkylakeX (chosen by OpenBLAS))"), md);
    // JMH's figure of the same workload follows as the microscope
    assertTrue(md.contains("| mlp 16-64-64-8 tanh, Jacobian | 65,536 | 0.2000 / 0.2100 | 0.9000 | 4.5x |"), md);
    assertTrue(md.contains("Hipparchus"), md);
    assertTrue(md.contains("of the dgemm rate (target 60%): **missed**"), md);
    assertTrue(md.contains("**Provisional:**"), md);
    assertTrue(md.contains("| mlp:jacobian:auto | 10,000 | 0.0200 |"), md);
    assertTrue(Files.size(out.resolve("compare-throughput.png")) > 1000);
    assertTrue(Files.size(out.resolve("compare-sweep.png")) > 1000);
  }

  private static String jmh(String bench, String param, String value, double bestMs, double otherMs) {
    return "{\"benchmark\": \"io.batchjac.bench." + bench + ".run\", \"params\": {\"" + param + "\": \"" + value
        + "\", \"threads\": \"0\"}, \"primaryMetric\": {\"score\": 1.0, \"rawData\": [[" + otherMs + ", " + bestMs + ", "
        + otherMs + "]]}}";
  }

  private static String sweep(String workload, int batch, double ms) {
    return "{\"benchmark\": \"io.batchjac.bench.SweepBenchmark.run\", \"params\": {\"workload\": \"" + workload
        + "\", \"batch\": \"" + batch + "\"}, \"primaryMetric\": {\"rawData\": [[" + ms + "]]}}";
  }

  private static String torch(String workload, String kind, String method, int batch, double s) {
    return "{\"workload\": \"" + workload + "\", \"kind\": \"" + kind + "\", \"method\": \"" + method + "\", \"B\": " + batch
        + ", \"ok\": true, \"times_s\": [" + s + ", " + s + ", " + s + "], \"best_s\": " + s + "}";
  }
}
