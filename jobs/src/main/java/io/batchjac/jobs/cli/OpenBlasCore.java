package io.batchjac.jobs.cli;

import io.batchjac.engine.exec.Blas;
import io.batchjac.engine.exec.OpenBlasCoretype;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The kernel set ("core") OpenBLAS runs in this JVM, for {@code bench --roofline}, and the one
 * line that says when it is a generic one on a CPU that can do better. OpenBLAS names its core
 * only on stderr at load time ({@code OPENBLAS_VERBOSE=2}: "Core: Haswell"), so a child JVM with
 * the same class path and environment loads it and reports ({@code Blas.main}); about 0.3 s.
 */
final class OpenBlasCore {
  /** The kernel sets without AVX2/FMA that OpenBLAS falls back to on CPUs it does not know. */
  static final Set<String> GENERIC = Set.of("prescott", "core2", "penryn", "dunnington", "nehalem", "atom",
      "barcelona", "opteron", "opteron_sse3", "athlon", "northwood", "katmai", "coppermine", "banias", "sandybridge",
      "unknown");

  private static final Pattern CORE = Pattern.compile("Core: (\\S+)");

  private OpenBlasCore() {}

  /** The core OpenBLAS runs here, e.g. "SkylakeX"; empty when the BLAS is not OpenBLAS or the probe fails. */
  static Optional<String> probe() {
    if (!Blas.isNative() || !Blas.describe().contains("OpenBLAS")) {
      return Optional.empty();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new ArrayList<>(List.of(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-Dbatchjac.blas=native", "-cp", System.getProperty("java.class.path"), Blas.class.getName()));
    ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
    pb.environment().put("OPENBLAS_VERBOSE", "2");
    try {
      Process p = pb.start();
      p.getOutputStream().close();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      return parse(out);
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }

  /** The core named in OpenBLAS's verbose output ("Core: Haswell"), if any. */
  static Optional<String> parse(String verboseOutput) {
    Matcher m = CORE.matcher(verboseOutput);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  /**
   * How the core came about, for the report: e.g. {@code "SkylakeX (OPENBLAS_CORETYPE=SKYLAKEX,
   * chosen by bin/batchjac for this CPU)"}, {@code "Haswell (OPENBLAS_CORETYPE=HASWELL, set by
   * you)"} or {@code "Zen (chosen by OpenBLAS)"}.
   */
  static String describe(String core, String variable, boolean chosenByLauncher) {
    if (variable == null || variable.isBlank()) {
      return core + " (chosen by OpenBLAS)";
    }
    return core + " (" + OpenBlasCoretype.VARIABLE + "=" + variable
        + (chosenByLauncher ? ", chosen by bin/batchjac for this CPU)" : ", set by you)");
  }

  /**
   * The one warning line when OpenBLAS runs a generic core on a CPU with AVX2 and FMA, naming the
   * dgemm rate measured and the fix; empty otherwise.
   */
  static Optional<String> genericWarning(String core, OpenBlasCoretype.Cpu cpu, double dgemmGflops) {
    if (!GENERIC.contains(core.toLowerCase(Locale.ROOT))) {
      return Optional.empty();
    }
    return OpenBlasCoretype.bestFor(cpu).map(best -> String.format(Locale.ROOT,
        "WARNING: OpenBLAS runs its generic %s kernels on this CPU, so the dgemm rate (%.1f GFLOP/s) is a fraction of"
            + " what it can do; fix: export %s=%s before starting (bin/batchjac does when it is unset; spark-submit:"
            + " --conf spark.executorEnv.%s=%s)",
        core, dgemmGflops, OpenBlasCoretype.VARIABLE, best, OpenBlasCoretype.VARIABLE, best));
  }
}
