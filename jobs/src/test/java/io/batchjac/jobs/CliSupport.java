package io.batchjac.jobs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import io.batchjac.jobs.cli.Main;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;

/**
 * Shared pieces of the CLI tests: the shared local Spark session, running {@code Main.run} with
 * captured streams, the example specs, writing {@code .npy} inputs in every accepted layout, and
 * bitwise comparison of results with the in-process engine.
 */
final class CliSupport {
  private CliSupport() {}

  /** conf/examples of the checkout (tests run in the jobs module's directory). */
  static final Path EXAMPLES = findExamples();

  /** The in-process engine the CLI results are compared with. */
  static final Engine ENGINE = Engine.defaults();

  private static Path findExamples() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null) {
      Path p = dir.resolve("conf").resolve("examples");
      if (Files.isDirectory(p) && Files.exists(p.resolve("mlp.fn"))) {
        return p;
      }
      dir = dir.getParent();
    }
    throw new IllegalStateException("conf/examples not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * The one session of a test class: local[2], no UI, no cap on results sent to the driver, and
   * SQL specs that may read any file, as the command line's own session has them.
   */
  static SparkSession startSpark(String appName) {
    return SparkSession.builder()
        .appName(appName)
        .master("local[2]")
        .config(io.batchjac.udfs.SafetyConf.FILES_ALLOWED, "*")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.maxResultSize", "0")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate();
  }

  static void stopSpark(SparkSession spark) {
    if (spark != null) {
      spark.stop();
    }
  }

  static Path spec(String name) {
    return EXAMPLES.resolve(name);
  }

  static Graph graph(String name) {
    return SpecParser.parseFile(spec(name)).graph();
  }

  // ------------------------------------------------------------------ running the CLI

  /** What a CLI run returned and printed. */
  record Run(int status, String out, String err, List<String> args) {
    List<String> errLines() {
      return err.lines().filter(l -> !l.isBlank()).toList();
    }

    /** Asserts exit status 0 with nothing on stderr. */
    Run ok() {
      assertEquals(0, status, () -> "exit status of " + args + "\nstdout: " + out + "\nstderr: " + err);
      assertEquals("", err.strip(), () -> "stderr of " + args);
      return this;
    }

    @Override
    public String toString() {
      return "batchjac " + String.join(" ", args) + " -> " + status + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  static Run cli(Object... args) {
    String[] a = Arrays.stream(args).map(String::valueOf).toArray(String[]::new);
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int status;
    try (PrintWriter o = new PrintWriter(out, true); PrintWriter e = new PrintWriter(err, true)) {
      status = Main.run(o, e, a);
    }
    return new Run(status, out.toString(), err.toString(), List.of(a));
  }

  // ------------------------------------------------------------------ inputs

  /** B rows of N values (C order, sample-major), uniform in [lo, hi). */
  static double[] rows(long seed, int b, int n, double lo, double hi) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[b * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = lo + (hi - lo) * r.nextDouble();
    }
    return x;
  }

  /** The same values rounded to float32 (so that a float32 file holds them exactly). */
  static double[] toFloat32(double[] x) {
    double[] y = new double[x.length];
    for (int i = 0; i < x.length; i++) {
      y[i] = (float) x[i];
    }
    return y;
  }

  /** A C-order (B, N) float64 .npy: NumPy's usual rows-are-samples. */
  static Path writeC(Path file, double[] rows, int b, int n) throws IOException {
    Npy.write(file, Tensor.of(Shape.of(b, n), rows, Tensor.Order.C));
    return file;
  }

  /** A Fortran-order (N, B) float64 .npy of the same samples (the same memory). */
  static Path writeF(Path file, double[] rows, int b, int n) throws IOException {
    Npy.write(file, Tensor.of(Shape.of(n, b), rows, Tensor.Order.F));
    return file;
  }

  /** A C-order (B, N) float32 ({@code '<f4'}) .npy, written as numpy.save would. */
  static Path writeC32(Path file, double[] rows, int b, int n) throws IOException {
    String dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + b + ", " + n + "), }";
    int text = dict.length() + 1;
    int pad = 64 - (10 + text) % 64;
    ByteBuffer buf = ByteBuffer.allocate(10 + text + pad + rows.length * 4).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    buf.putShort((short) (text + pad));
    buf.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < pad; i++) {
      buf.put((byte) ' ');
    }
    buf.put((byte) '\n');
    for (double v : rows) {
      buf.putFloat((float) v);
    }
    Files.write(file, buf.array());
    return file;
  }

  /** The C-order (B, N) tensor the engine takes. */
  static Tensor batch(double[] rows, int b, int n) {
    return Tensor.of(Shape.of(b, n), rows, Tensor.Order.C);
  }

  // ------------------------------------------------------------------ checks

  /**
   * Asserts that {@code file} is exactly the engine's result: the documented shape in Fortran
   * order, every value bitwise equal, and the file byte for byte what {@code Npy.write} makes of
   * the engine's tensor.
   */
  static void assertNpyEquals(Tensor expected, Path file, int... dims) throws IOException {
    assertArrayEquals(dims, expected.shape().dims(), "shape of the engine's result");
    Tensor got = Npy.read(file);
    assertArrayEquals(dims, got.shape().dims(), () -> "shape of " + file);
    assertEquals(Tensor.Order.F, got.order(), () -> "order of " + file);
    assertBitwiseEquals(expected.data(), got.data(), file.toString());
    Path ref = Files.createTempFile("batchjac-expected", ".npy");
    try {
      Npy.write(ref, expected);
      assertArrayEquals(Files.readAllBytes(ref), Files.readAllBytes(file), () -> file + ": bytes differ from Npy.write of the engine's result");
    } finally {
      Files.deleteIfExists(ref);
    }
  }

  static Tensor readNpy(Path file) throws IOException {
    return Npy.read(file);
  }

  static void assertBitwiseEquals(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, () -> what + ": number of values");
    for (int i = 0; i < expected.length; i++) {
      if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
        int at = i;
        long diffs = java.util.stream.IntStream.range(0, expected.length)
            .filter(k -> Double.doubleToRawLongBits(expected[k]) != Double.doubleToRawLongBits(actual[k])).count();
        fail(what + ": value " + at + " is " + actual[at] + ", expected " + expected[at] + " (bitwise); "
            + diffs + " of " + expected.length + " values differ");
      }
    }
  }

  /** Every entry of a directory (hidden ones included), by name. */
  static List<String> list(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      List<String> names = new ArrayList<>(s.map(p -> p.getFileName().toString()).toList());
      names.sort(null);
      return names;
    }
  }

  /**
   * {@link #list} once the background deletion of replaced outputs is done (a replaced output
   * lingers under a hidden {@code .NAME.old-*} name until then): polls for at most a minute.
   */
  static List<String> listSettled(Path dir) throws IOException {
    long end = System.nanoTime() + 60_000_000_000L;
    List<String> names = list(dir);
    while (names.stream().anyMatch(n -> n.startsWith(".") && n.contains(".old-")) && System.nanoTime() < end) {
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      names = list(dir);
    }
    return names;
  }

  static void assertContains(String haystack, String needle, String what) {
    assertTrue(haystack.contains(needle), () -> what + ": expected to contain '" + needle + "' but was: " + haystack);
  }
}
