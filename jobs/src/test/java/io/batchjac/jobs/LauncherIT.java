package io.batchjac.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.exec.OpenBlasCoretype;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/batchjac} itself, run as a user runs it (after {@code package}): what it prints on
 * stderr about the BLAS, its exit statuses through the stderr filter, and the OpenBLAS kernel set
 * it chooses (never overriding the user's {@code OPENBLAS_CORETYPE}).
 */
class LauncherIT {
  static final Path ROOT = CliSupport.EXAMPLES.getParent().getParent();
  static final Path LAUNCHER = ROOT.resolve("bin").resolve("batchjac");

  record Run(int status, String out, List<String> errLines) {}

  /** Runs the launcher with {@code env} changes (a null value removes the variable). */
  static Run run(Map<String, String> env, String... args) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of(LAUNCHER.toString()));
    cmd.addAll(Arrays.asList(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile());
    pb.environment().remove("BATCHJAC_JAVA_OPTS");
    env.forEach((k, v) -> {
      if (v == null) {
        pb.environment().remove(k);
      } else {
        pb.environment().put(k, v);
      }
    });
    Path err = Files.createTempFile("launcher", ".err");
    pb.redirectError(err.toFile());
    Process p = pb.start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "launcher timed out: " + cmd);
    // Spark's progress bar rewrites one line with \r: count only the lines that end in \n
    List<String> lines = new ArrayList<>();
    for (String line : Files.readString(err).split("\n")) {
      String last = line.substring(line.lastIndexOf('\r') + 1).strip();
      if (!last.isEmpty()) {
        lines.add(last);
      }
    }
    Files.delete(err);
    return new Run(p.exitValue(), out, lines);
  }

  @Test
  void onThePureJavaBlasStderrHasOneLineOfOursAndNoJvmOrNetlibNoise(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("v.npy");
    Run r = run(Map.of("BATCHJAC_BLAS", "java"), "eval", "--spec", CliSupport.spec("mlp.fn").toString(),
        "--samples", "500", "--output", out.toString());
    assertEquals(0, r.status(), "stderr: " + r.errLines());
    assertEquals(List.of("batchjac: BLAS: VectorBLAS (pure Java), as BATCHJAC_BLAS=java (-Dbatchjac.blas=java) asks"),
        r.errLines(), "the Vector API module is added (VectorBLAS), its JVM warning dropped, nothing else printed");
    assertTrue(r.out().startsWith("eval: 500 samples"), r.out());
    assertTrue(Files.size(out) > 500 * 8 * 8, "the result is written");
  }

  @Test
  void exitStatusesPassThroughTheStderrFilter(@TempDir Path dir) throws Exception {
    Run missing = run(Map.of("BATCHJAC_BLAS", "java"), "eval", "--spec", dir.resolve("none.fn").toString(),
        "--samples", "5", "--output", dir.resolve("x.npy").toString());
    assertEquals(1, missing.status());
    assertEquals(2, missing.errLines().size(), missing.errLines().toString());
    assertTrue(missing.errLines().get(1).startsWith("batchjac: error: ") && missing.errLines().get(1).contains("none.fn"),
        missing.errLines().toString());
    Run usage = run(Map.of("BATCHJAC_BLAS", "java"), "eval", "--spec", "f.fn", "--samples", "5", "--output", "x.npy",
        "--no-such-option");
    assertEquals(2, usage.status());
    assertTrue(usage.errLines().get(0).startsWith("Unknown option: '--no-such-option'"), usage.errLines().toString());
  }

  @Test
  void aWrongBatchjacBlasValueIsAUsageError() throws Exception {
    Run r = run(Map.of("BATCHJAC_BLAS", "fast"), "eval", "--help");
    assertEquals(2, r.status());
    assertEquals(List.of("batchjac: error: BATCHJAC_BLAS must be auto or java, got 'fast'"), r.errLines());
  }

  private static final Pattern CORE = Pattern.compile("\"openblas_core\": (null|\"([^\"]*)\")");

  private static Optional<String> benchCore(Map<String, String> env) throws Exception {
    Run r = run(env, "bench", "--spec", CliSupport.spec("mlp.fn").toString(), "--batch", "256", "--repeat", "1",
        "--warmup", "0", "--warmup-time", "0", "--roofline", "--json");
    assertEquals(0, r.status(), "stderr: " + r.errLines());
    assertTrue(r.out().contains("\"cpu\": \""), r.out());
    Matcher m = CORE.matcher(r.out());
    assertTrue(m.find(), r.out());
    boolean openBlas = r.out().contains("\"blas\": \"native OpenBLAS");
    assertEquals(openBlas, m.group(2) != null, "the core is reported exactly when OpenBLAS runs: " + r.out());
    return Optional.ofNullable(m.group(2));
  }

  @Test
  void theLauncherChoosesTheKernelSetOnlyWhenTheUserDidNot() throws Exception {
    Map<String, String> unset = new java.util.HashMap<>();
    unset.put("OPENBLAS_CORETYPE", null);
    Optional<String> chosen = benchCore(unset);
    Optional<String> expected = OpenBlasCoretype.thisMachine().flatMap(OpenBlasCoretype::forCpu);
    chosen.ifPresent(core -> assertTrue(expected
            .map(e -> core.endsWith("(OPENBLAS_CORETYPE=" + e + ", chosen by bin/batchjac for this CPU)"))
            .orElse(core.endsWith("(chosen by OpenBLAS)")), core + " (expected choice: " + expected + ")"));

    Optional<String> user = benchCore(Map.of("OPENBLAS_CORETYPE", "HASWELL"));
    user.ifPresent(core -> assertEquals("Haswell (OPENBLAS_CORETYPE=HASWELL, set by you)", core));
    assertEquals(chosen.isPresent(), user.isPresent());
  }

  @Test
  void executorsGetTheDriversKernelSet() throws Exception {
    Run r = run(Map.of("OPENBLAS_CORETYPE", "ZEN"), "sql", "SET spark.executorEnv.OPENBLAS_CORETYPE");
    assertEquals(0, r.status(), "stderr: " + r.errLines());
    assertTrue(r.out().contains("spark.executorEnv.OPENBLAS_CORETYPE | ZEN"), r.out());
    assertFalse(r.out().contains("<undefined>"), r.out());
  }
}
