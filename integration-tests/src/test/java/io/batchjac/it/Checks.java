package io.batchjac.it;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * What the integration tests share: the in-process engine the cluster's results are compared
 * with, sample data, running the CLI's {@code Main} in this JVM, and bitwise comparisons.
 */
final class Checks {
  private Checks() {}

  static final Engine ENGINE = Engine.defaults();

  static Graph graph(String example) {
    return SpecParser.parseFile(ClusterEnv.example(example)).graph();
  }

  /** B rows of N values (C order, sample-major), uniform in [lo, hi). */
  static double[] rows(long seed, int b, int n, double lo, double hi) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[b * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = lo + (hi - lo) * r.nextDouble();
    }
    return x;
  }

  /** The C-order (B, N) tensor of {@code rows}. */
  static Tensor batch(double[] rows, int b, int n) {
    return Tensor.of(Shape.of(b, n), rows, Tensor.Order.C);
  }

  static Path writeNpy(Path file, double[] rows, int b, int n) throws IOException {
    Npy.write(file, batch(rows, b, n));
    return file;
  }

  /** What a CLI run in this JVM returned and printed. */
  record Run(int status, String out, String err, List<String> args) {
    Run ok() {
      assertEquals(0, status, this::toString);
      return this;
    }

    @Override
    public String toString() {
      return "batchjac " + String.join(" ", args) + " -> " + status + "\nstdout: " + out + "\nstderr: " + err;
    }
  }

  /** Runs {@code bin/batchjac ARGS} in this JVM (in the active Spark session, if any). */
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

  /** Asserts that {@code file} holds exactly {@code expected}: shape, Fortran order, every bit. */
  static void assertNpyEquals(Tensor expected, Path file) throws IOException {
    Tensor got = Npy.read(file);
    assertArrayEquals(expected.shape().dims(), got.shape().dims(), () -> "shape of " + file);
    assertEquals(Tensor.Order.F, got.order(), () -> "order of " + file);
    assertBitwiseEquals(expected.data(), got.data(), file.toString());
  }

  static void assertBitwiseEquals(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, () -> what + ": number of values");
    long diffs = 0;
    int first = -1;
    for (int i = 0; i < expected.length; i++) {
      if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
        diffs++;
        first = first < 0 ? i : first;
      }
    }
    if (diffs > 0) {
      fail(what + ": value " + first + " is " + actual[first] + ", expected " + expected[first] + " (bitwise); "
          + diffs + " of " + expected.length + " values differ");
    }
  }

  static void assertContains(String haystack, String needle, String what) {
    assertTrue(haystack.contains(needle), () -> what + ": expected to contain '" + needle + "' but was:\n" + haystack);
  }

  /** Every entry of a directory (hidden ones included), by name; empty if it does not exist. */
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

  /** A fresh, empty directory under the work directory. */
  static Path freshDir(String name) throws IOException {
    Path dir = ClusterEnv.workDir().resolve(name);
    ClusterEnv.deleteRecursively(dir);
    return Files.createDirectories(dir);
  }
}
