package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.rows;
import static io.batchjac.jobs.CliSupport.spec;
import static io.batchjac.jobs.CliSupport.writeC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.tensor.Npy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * User errors (docs/cli.md): exit status 1 with exactly one line on stderr,
 * {@code batchjac: error: <what and where>}, no stack trace unless {@code --verbose}; usage errors
 * exit with 2; and nothing is left in the output directory (no result, no temporary file).
 */
class CliErrorsTest {
  static final int B = 50;

  static SparkSession spark;

  @TempDir
  Path dir;

  /** Inputs live in {@code dir}; outputs go to {@code out}, which must stay empty on failure. */
  Path out;
  Path x;

  @BeforeAll
  static void startSpark() {
    spark = CliSupport.startSpark("CliErrorsTest");
  }

  @AfterAll
  static void stopSpark() {
    CliSupport.stopSpark(spark);
  }

  @BeforeEach
  void inputs() throws IOException {
    out = Files.createDirectory(dir.resolve("out"));
    x = writeC(dir.resolve("x.npy"), rows(1, B, 16, -2, 2), B, 16);
  }

  /** Runs the CLI with {@code --master local[2]} added. */
  private static CliSupport.Run run(Object... args) {
    List<Object> a = new ArrayList<>(Arrays.asList(args));
    a.add("--master");
    a.add("local[2]");
    return cli(a.toArray());
  }

  /**
   * Asserts a user error: status 1, one stderr line {@code batchjac: error: ...} containing every
   * fragment, no stack trace, nothing on stdout, and {@code out} as it was.
   */
  private String assertUserError(CliSupport.Run r, List<String> outListing, String... fragments) throws IOException {
    assertEquals(1, r.status(), r::toString);
    List<String> lines = r.errLines();
    assertEquals(1, lines.size(), () -> "exactly one line on stderr: " + r);
    String line = lines.get(0);
    assertTrue(line.startsWith("batchjac: error: "), () -> "stderr starts with 'batchjac: error: ': " + line);
    for (String f : fragments) {
      CliSupport.assertContains(line, f, "the error line");
    }
    assertFalse(r.err().contains("\tat "), () -> "no stack trace without --verbose: " + r);
    assertEquals("", r.out().strip(), () -> "nothing on stdout: " + r);
    assertEquals(outListing, CliSupport.listSettled(out), "the output directory after the failure");
    return line;
  }

  private String assertUserError(CliSupport.Run r, String... fragments) throws IOException {
    return assertUserError(r, List.of(), fragments);
  }

  /** Asserts a usage error: status 2, the problem first on stderr, the usage after it, no trace. */
  private void assertUsageError(CliSupport.Run r, String fragment) throws IOException {
    assertEquals(2, r.status(), r::toString);
    List<String> lines = r.errLines();
    assertFalse(lines.isEmpty(), r::toString);
    CliSupport.assertContains(lines.get(0), fragment, "the first stderr line");
    CliSupport.assertContains(r.err(), "Usage:", "stderr");
    assertFalse(r.err().contains("\tat "), () -> "no stack trace: " + r);
    assertEquals(List.of(), CliSupport.listSettled(out), "the output directory after the failure");
  }

  // ------------------------------------------------------------------ the spec

  @Test
  void missingSpecFile() throws IOException {
    Path missing = dir.resolve("nope.fn");
    assertUserError(run("jacobian", "--spec", missing, "--input", x, "--output", out.resolve("J.npy")),
        missing.toString(), "not found");
  }

  @Test
  void specSyntaxErrorHasFileLineColumn() throws IOException {
    Path bad = Files.writeString(dir.resolve("bad.fn"), "input x[16]\nh = tnah(x)\noutput y = h\n");
    String line = assertUserError(run("jacobian", "--spec", bad, "--input", x, "--output", out.resolve("J.npy")),
        bad + ":2:5: ", "tnah");
    assertTrue(line.matches("batchjac: error: .*bad\\.fn:\\d+:\\d+: .*"), line);
  }

  @Test
  void onnxModelWithARefusedOperator() throws IOException {
    Path model = Path.of("../engine/src/test/resources/onnx/refused_cumsum.onnx");
    assertUserError(run("jacobian", "--spec", model, "--input", x, "--output", out.resolve("J.npy")),
        model + ": node '", "(CumSum): operator CumSum is not supported");
  }

  @Test
  void onnxFileThatIsNotAModel() throws IOException {
    Path notModel = Files.writeString(dir.resolve("model.onnx"), "input x[16]; output x\n");
    assertUserError(run("jacobian", "--spec", notModel, "--input", x, "--output", out.resolve("J.npy")),
        notModel + ": not an ONNX model");
  }

  @Test
  void negativePartitionsAndSamples() throws IOException {
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", x, "--output", out.resolve("J.npy"),
        "--partitions", "-3"), "--partitions", "-3");
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--samples", "-5", "--output", out.resolve("J.npy")),
        "--samples", "-5");
  }

  @Test
  void hessianOfAMultiOutputFunction() throws IOException {
    assertUserError(run("hessian", "--spec", spec("mlp.fn"), "--input", x, "--output", out.resolve("H.npy")),
        "hessian", "one output", "mlp.fn", "8");
  }

  @Test
  void wrtWithAnUnknownParameter() throws IOException {
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", x, "--wrt", "W1,W9",
        "--output", out.resolve("J.npy")), "--wrt", "'W9'", "W1", "b3");
  }

  // ------------------------------------------------------------------ inputs

  @Test
  void missingInputFile() throws IOException {
    Path missing = dir.resolve("missing.npy");
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", missing, "--output", out.resolve("J.npy")),
        "--input", missing.toString(), "not found");
  }

  @Test
  void unreadableNpy() throws IOException {
    Path garbage = Files.write(dir.resolve("garbage.npy"), "this is not a numpy file at all".getBytes());
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", garbage, "--output", out.resolve("J.npy")),
        garbage.toString(), "not a .npy file");
  }

  @Test
  void truncatedNpy() throws IOException {
    byte[] whole = Files.readAllBytes(x);
    Path cut = Files.write(dir.resolve("cut.npy"), Arrays.copyOf(whole, whole.length - 100));
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", cut, "--output", out.resolve("J.npy")),
        cut.toString(), "truncated");
  }

  @Test
  void inputOrTangentThatIsADirectory() throws IOException {
    Path folder = Files.createDirectory(dir.resolve("folder.npy"));
    assertUserError(run("eval", "--spec", spec("mlp.fn"), "--input", folder, "--output", out.resolve("f.npy")),
        "--input", folder.toString(), "directory");
    assertUserError(run("jvp", "--spec", spec("mlp.fn"), "--input", x, "--tangent", folder,
        "--output", out.resolve("jvp.npy")), "--tangent", folder.toString(), "directory");
  }

  @Test
  void wrongWidthNamesBothShapes() throws IOException {
    Path wide = writeC(dir.resolve("wide.npy"), rows(2, B, 17, 0, 1), B, 17);
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", wide, "--output", out.resolve("J.npy")),
        wide.toString(), B + ", 17", "(B, 16)");
  }

  @Test
  void inputAndSamplesTogetherOrNeither() throws IOException {
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--output", out.resolve("J.npy")),
        "--input", "--samples");
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", x, "--samples", 10,
        "--output", out.resolve("J.npy")), "--input", "--samples");
  }

  @Test
  void tangentWithAnotherBatchIsCaughtEarly() throws IOException {
    Path u = writeC(dir.resolve("u.npy"), rows(3, B + 1, 16, 0, 1), B + 1, 16);
    assertUserError(run("jvp", "--spec", spec("mlp.fn"), "--input", x, "--tangent", u, "--output", out.resolve("jvp.npy")),
        "--tangent", u.toString(), String.valueOf(B + 1), String.valueOf(B));
  }

  @Test
  void cotangentOfTheWrongWidth() throws IOException {
    Path v = writeC(dir.resolve("v.npy"), rows(4, B, 16, 0, 1), B, 16);
    assertUserError(run("vjp", "--spec", spec("mlp.fn"), "--input", x, "--cotangent", v, "--output", out.resolve("vjp.npy")),
        "--cotangent", v.toString(), B + ", 16", "(B, 8)");
  }

  // ------------------------------------------------------------------ options

  @Test
  void unknownBackend() throws IOException {
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", x, "--backend", "sideways",
        "--output", out.resolve("J.npy")), "'sideways'", "auto", "forward", "reverse");
  }

  @Test
  void backendThatTheOperationCannotUse() throws IOException {
    Path u = writeC(dir.resolve("u.npy"), rows(5, B, 16, 0, 1), B, 16);
    assertUserError(run("jvp", "--spec", spec("mlp.fn"), "--input", x, "--tangent", u, "--backend", "reverse",
        "--output", out.resolve("jvp.npy")), "reverse");
  }

  @Test
  void unsupportedOutputExtension() throws IOException {
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", x, "--output", out.resolve("J.txt")),
        "--output", "J.txt", ".npy", ".parquet");
  }

  @Test
  void outputExistsWithoutOverwrite() throws IOException {
    Path target = out.resolve("J.npy");
    Files.writeString(target, "precious");
    assertUserError(run("jacobian", "--spec", spec("mlp.fn"), "--input", x, "--output", target),
        List.of("J.npy"), target.toString(), "already exists", "--overwrite");
    assertEquals("precious", Files.readString(target), "the existing file is untouched");
    run("jacobian", "--spec", spec("mlp.fn"), "--input", x, "--output", target, "--overwrite").ok();
    assertEquals(List.of("J.npy"), CliSupport.listSettled(out));
    assertArrayEquals(new int[] {8, 16, B}, Npy.read(target).shape().dims());
  }

  @Test
  void jvpWithoutTangentIsAUsageError() throws IOException {
    assertUsageError(run("jvp", "--spec", spec("mlp.fn"), "--input", x, "--output", out.resolve("jvp.npy")), "--tangent");
  }

  @Test
  void missingRequiredOptionIsAUsageError() throws IOException {
    assertUsageError(run("jacobian", "--input", x, "--output", out.resolve("J.npy")), "--spec");
  }

  @Test
  void unknownOptionIsAUsageError() throws IOException {
    assertUsageError(run("jacobian", "--spec", spec("mlp.fn"), "--input", x, "--output", out.resolve("J.npy"),
        "--frobnicate", "3"), "--frobnicate");
  }

  @Test
  void nonNumericOptionValueIsAUsageError() throws IOException {
    assertUsageError(run("jacobian", "--spec", spec("mlp.fn"), "--samples", "many", "--output", out.resolve("J.npy")),
        "many");
  }

  // ------------------------------------------------------------------ failures inside Spark tasks

  /** A CSV whose row 7 has no value for Tu: the task reading it fails on an executor. */
  private Path csvWithNullCell() throws IOException {
    String[] cols = {"rw", "r", "Tu", "Hu", "Tl", "Hl", "L", "Kw"};
    double[] v = new Sampler(CliSupport.graph("borehole.fn"), 1).draw(0, 20);
    StringBuilder csv = new StringBuilder(String.join(",", cols)).append('\n');
    for (int s = 0; s < 20; s++) {
      for (int c = 0; c < 8; c++) {
        csv.append(c == 0 ? "" : ",").append(s == 7 && c == 2 ? "" : Double.toString(v[8 * s + c]));
      }
      csv.append('\n');
    }
    return Files.writeString(dir.resolve("holes.csv"), csv);
  }

  @Test
  void taskFailureInsideSparkLeavesNoOutput() throws IOException {
    Path csv = csvWithNullCell();
    for (String name : new String[] {"J.npy", "J.parquet"}) {
      assertUserError(run("jacobian", "--spec", spec("borehole.fn"), "--input", csv, "--output", out.resolve(name)),
          "row 7", "'Tu'", "null");
    }
  }

  @Test
  void verbosePrintsTheStackTrace() throws IOException {
    CliSupport.Run r = run("jacobian", "--verbose", "--spec", spec("mlp.fn"), "--input", x, "--backend", "sideways",
        "--output", out.resolve("J.npy"));
    assertEquals(1, r.status(), r::toString);
    assertTrue(r.errLines().get(0).startsWith("batchjac: error: "), r::toString);
    CliSupport.assertContains(r.err(), "\tat ", "stderr with --verbose");
    assertEquals(List.of(), CliSupport.listSettled(out));

    CliSupport.Run t = run("--verbose", "jacobian", "--spec", spec("borehole.fn"), "--input", csvWithNullCell(),
        "--output", out.resolve("J.npy"));
    assertEquals(1, t.status(), t::toString);
    assertTrue(t.errLines().get(0).startsWith("batchjac: error: "), t::toString);
    CliSupport.assertContains(t.errLines().get(0), "row 7", "first stderr line");
    CliSupport.assertContains(t.err(), "\tat ", "stderr with --verbose");
    assertEquals(List.of(), CliSupport.listSettled(out));
  }
}
