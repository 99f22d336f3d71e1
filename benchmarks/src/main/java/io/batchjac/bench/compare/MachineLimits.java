package io.batchjac.bench.compare;

import io.batchjac.engine.exec.Blas;
import io.batchjac.jobs.cli.Roofline;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Measures this machine's limits for the comparison (the same measurements as
 * {@code bin/batchjac bench --roofline}, with as many threads as the engine uses) and writes them
 * as one JSON object: {@code dgemm_gflops}, {@code bandwidth_gbs}, {@code threads}, {@code blas},
 * {@code loadavg}, {@code time}. When the file exists already (an earlier measurement of the same
 * run), each limit is the higher of the two: other work on the machine only ever lowers a limit,
 * and {@code compare.sh} measures before and after the benchmarks.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar io.batchjac.bench.compare.MachineLimits OUT.json}
 */
public final class MachineLimits {
  private MachineLimits() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 1) {
      System.err.println("usage: MachineLimits OUT.json");
      System.exit(2);
    }
    int threads = Runtime.getRuntime().availableProcessors();
    Path out = Path.of(args[0]);
    double gflops = Roofline.dgemmGflops(threads, 256, 8192, 7);
    double gbs = Roofline.triadGbs(threads, Roofline.TRIAD_LENGTH, 7);
    String load = loadavg();
    if (Files.isRegularFile(out)) {
      @SuppressWarnings("unchecked")
      Map<String, Object> earlier = (Map<String, Object>) Json.parse(Files.readString(out));
      gflops = Math.max(gflops, ((Number) earlier.get("dgemm_gflops")).doubleValue());
      gbs = Math.max(gbs, ((Number) earlier.get("bandwidth_gbs")).doubleValue());
      load = earlier.get("loadavg") + ", then " + load;
    }
    String json = String.format(Locale.ROOT,
        "{\"dgemm_gflops\": %.3f, \"dgemm_shape\": \"(256x256)@(256x8192) per thread\", \"bandwidth_gbs\": %.3f, "
            + "\"bandwidth_kernel\": \"STREAM triad, 3 x 64 MiB arrays per thread, 24 B/element\", "
            + "\"threads\": %d, \"blas\": \"%s\", \"loadavg\": \"%s\", \"time\": \"%s\"}%n",
        gflops, gbs, threads, Blas.describe().replace("\\", "/").replace("\"", "'"), load, Instant.now());
    Files.writeString(out, json);
    System.out.print(json);
  }

  /** The 1-minute load average from /proc/loadavg (how busy the machine was), or n/a. */
  static String loadavg() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0];
    } catch (Exception e) {
      return "n/a";
    }
  }
}
