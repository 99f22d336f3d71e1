package io.batchjac.it;

import static io.batchjac.it.Checks.assertContains;
import static io.batchjac.it.Checks.cli;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bad-input corpus, run as jobs on a real cluster (driver here, executors in the Workers'
 * JVMs): every case either fails with one line naming what and where, exit status 1 and nothing
 * left in the output directory, or (NaN, infinity, empty input) succeeds with the documented
 * result.
 */
class BadInputIT {
  @RegisterExtension
  static final ClusterExtension CLUSTER = ClusterExtension.withDriverSession("bad-input-it");

  private static Path dir;
  private static final int B = 64;
  private static final int N = 16;
  private Path outDir;
  private Path out;

  @BeforeAll
  static void start() throws Exception {
    dir = Checks.freshDir("bad-input-it");
  }

  @BeforeEach
  void freshOutput() throws IOException {
    outDir = Checks.freshDir("bad-input-it-out");
    out = outDir.resolve("result.npy");
  }

  /** Runs the mlp jacobian on {@code input} and checks the one-line failure. */
  private void assertInputFails(Path input, String... fragments) throws IOException {
    assertFails(List.of("jacobian", "--spec", ClusterEnv.example("mlp.fn").toString(), "--input", input.toString(),
        "--output", out.toString()), fragments);
  }

  private void assertFails(List<String> args, String... fragments) throws IOException {
    Checks.Run r = cli(args.toArray());
    assertEquals(1, r.status(), r::toString);
    List<String> lines = r.err().lines().filter(l -> !l.isBlank() && !l.startsWith("[Stage")).toList();
    assertEquals(1, lines.size(), () -> "exactly one error line: " + r);
    assertTrue(lines.get(0).startsWith("batchjac: error: "), r::toString);
    for (String f : fragments) {
      assertContains(lines.get(0), f, "the error line");
    }
    assertEquals(List.of(), Checks.list(outDir), "no output (or temporary file) left behind");
  }

  private static byte[] goodNpy() throws IOException {
    Path p = Checks.writeNpy(dir.resolve("good.npy"), Checks.rows(1, B, N, -1, 1), B, N);
    return Files.readAllBytes(p);
  }

  /** An .npy file with the given header dictionary and raw data bytes. */
  private static Path npyWithHeader(String name, String dict, byte[] data) throws IOException {
    int text = dict.length() + 1;
    int pad = 64 - (10 + text) % 64;
    ByteBuffer buf = ByteBuffer.allocate(10 + text + pad + data.length).order(ByteOrder.LITTLE_ENDIAN);
    buf.put(new byte[] {(byte) 0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0});
    buf.putShort((short) (text + pad));
    buf.put(dict.getBytes(StandardCharsets.ISO_8859_1));
    for (int i = 0; i < pad; i++) {
      buf.put((byte) ' ');
    }
    buf.put((byte) '\n');
    buf.put(data);
    Path p = dir.resolve(name);
    Files.write(p, buf.array());
    return p;
  }

  @Test
  void truncatedNpy() throws IOException {
    byte[] good = goodNpy();
    Path p = dir.resolve("truncated.npy");
    Files.write(p, Arrays.copyOf(good, good.length / 2));
    assertInputFails(p, p.toString(), "truncated", "1024 values");
  }

  @Test
  void npyWithBadMagic() throws IOException {
    byte[] bad = goodNpy();
    bad[5] = 'X';
    Path p = dir.resolve("magic.npy");
    Files.write(p, bad);
    assertInputFails(p, p.toString(), "not a .npy file");
  }

  @Test
  void npyWithACorruptHeader() throws IOException {
    Path p = npyWithHeader("header.npy", "{'descr': '<f8', 'fortran_order': Maybe, 'shape': (64, 16), }",
        new byte[B * N * 8]);
    assertInputFails(p, p.toString(), "malformed header", "Maybe");
  }

  @Test
  void npyOfComplexNumbers() throws IOException {
    Path p = npyWithHeader("complex.npy", "{'descr': '<c16', 'fortran_order': False, 'shape': (64, 16), }",
        new byte[B * N * 16]);
    assertInputFails(p, p.toString(), "'<c16' is not supported");
  }

  @Test
  void npyOfPythonObjects() throws IOException {
    Path p = npyWithHeader("object.npy", "{'descr': '|O', 'fortran_order': False, 'shape': (3, 2), }",
        "pickled".getBytes(StandardCharsets.ISO_8859_1));
    assertInputFails(p, p.toString(), "'|O' is not supported");
  }

  @Test
  void npyOfTheWrongWidth() throws IOException {
    Path p = Checks.writeNpy(dir.resolve("width.npy"), Checks.rows(2, B, 5, -1, 1), B, 5);
    assertInputFails(p, p.toString(), "[64, 5]", "each sample has 16 values");
  }

  @Test
  void missingInputFile() throws IOException {
    Path p = dir.resolve("no-such-input.npy");
    assertInputFails(p, p.toString(), "file not found");
  }

  @Test
  void nanAndInfinityPropagateWithoutACrash() throws IOException {
    double[] x = Checks.rows(3, B, N, -1, 1);
    x[3 * N + 2] = Double.NaN;
    x[5 * N] = Double.POSITIVE_INFINITY;
    x[9 * N + 7] = Double.NEGATIVE_INFINITY;
    Path p = Checks.writeNpy(dir.resolve("nan.npy"), x, B, N);
    cli("jacobian", "--spec", ClusterEnv.example("mlp.fn"), "--input", p, "--output", out).ok();
    Tensor got = Npy.read(out);
    Tensor expected = Checks.ENGINE.batchedJacobian(Checks.graph("mlp.fn"), Backend.auto(), Checks.batch(x, B, N));
    assertArrayEquals(expected.data(), got.data(), "equal to the engine (NaN compared as NaN)");
    int mn = 8 * 16;
    for (int k = 0; k < mn; k++) {
      assertTrue(Double.isNaN(got.data()[3 * mn + k]), "sample 3 (a NaN input) has an all-NaN Jacobian");
    }
    assertTrue(Arrays.stream(got.data(), 0, 3 * mn).allMatch(Double::isFinite), "samples before it are finite");
  }

  @Test
  void anEmptyInputGivesAnEmptyResult() throws IOException {
    Path p = npyWithHeader("empty.npy", "{'descr': '<f8', 'fortran_order': False, 'shape': (0, 16), }", new byte[0]);
    cli("jacobian", "--spec", ClusterEnv.example("mlp.fn"), "--input", p, "--output", out).ok();
    Tensor got = Npy.read(out);
    assertArrayEquals(new int[] {8, 16, 0}, got.shape().dims(), "shape (M, N, 0)");
  }

  @Test
  void nullsInAParquetTable() throws IOException {
    Path table = dir.resolve("nulls.parquet");
    CLUSTER.spark().range(0, 100, 1, 2)
        .selectExpr("CAST(id AS DOUBLE) / 100 AS a", "IF(id = 42, NULL, CAST(id AS DOUBLE)) AS b", "1.0D AS c")
        .write().mode("overwrite").parquet(table.toString());
    Path spec = Files.writeString(dir.resolve("abc.fn"), "input a\ninput b\ninput c\noutput y = a * b + sin(c)\n");
    assertFails(List.of("jacobian", "--spec", spec.toString(), "--input", table.toString(), "--output", out.toString()),
        "null", "'b'");
  }

  @Test
  void aCsvTableWithTextInANumberColumn() throws IOException {
    Path csv = Files.writeString(dir.resolve("text.csv"), "a,b,c\n1,2,3\n4,abc,6\n");
    Path spec = Files.writeString(dir.resolve("abc2.fn"), "input a\ninput b\ninput c\noutput y = a * b + c\n");
    assertFails(List.of("jacobian", "--spec", spec.toString(), "--input", csv.toString(), "--output", out.toString()),
        csv.toString(), "'b'");
  }

  @Test
  void aSpecWithASyntaxError() throws IOException {
    Path spec = Files.writeString(dir.resolve("syntax.fn"), "input x[3]\noutput y = sin(x[0] +\n");
    assertFails(List.of("jacobian", "--spec", spec.toString(), "--samples", "10", "--output", out.toString()),
        spec + ":2:", "expected an expression");
  }

  @Test
  void aSpecWithAnUnknownFunction() throws IOException {
    Path spec = Files.writeString(dir.resolve("unknown.fn"), "input x[3]\noutput y = sinh2(x[0])\n");
    assertFails(List.of("jacobian", "--spec", spec.toString(), "--samples", "10", "--output", out.toString()),
        spec + ":2:12", "sinh2");
  }

  @Test
  void aSpecWhoseParamsFileIsMissing() throws IOException {
    Path spec = Files.writeString(dir.resolve("missing-params.fn"),
        "input x[2]\nparam W = load(\"no-such-weights.npy\")\noutput y = W @ x\n");
    assertFails(List.of("jacobian", "--spec", spec.toString(), "--samples", "10", "--output", out.toString()),
        spec + ":2:", "no-such-weights.npy", "file not found");
  }

  @Test
  void aSpecWhoseParamsFileHasTheWrongShape() throws IOException {
    Npy.write(dir.resolve("w33.npy"), Tensor.of(Shape.of(3, 3), new double[9], Tensor.Order.C));
    Path spec = Files.writeString(dir.resolve("wrong-params.fn"),
        "input x[2]\nparam W = load(\"w33.npy\")\noutput y = W @ x\n");
    assertFails(List.of("jacobian", "--spec", spec.toString(), "--samples", "10", "--output", out.toString()),
        spec + ":3:", "[3, 3]", "[2]");
  }
}
