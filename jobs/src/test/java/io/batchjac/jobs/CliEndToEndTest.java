package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.ENGINE;
import static io.batchjac.jobs.CliSupport.assertContains;
import static io.batchjac.jobs.CliSupport.assertNpyEquals;
import static io.batchjac.jobs.CliSupport.batch;
import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.graph;
import static io.batchjac.jobs.CliSupport.rows;
import static io.batchjac.jobs.CliSupport.spec;
import static io.batchjac.jobs.CliSupport.writeC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.api.SpecLoader;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every derivative subcommand through {@code Main.run} on a shared local[2] session, on
 * {@code .npy} inputs and on {@code --samples} draws: the output {@code .npy} has the documented
 * batch-last Fortran layout and is bitwise the in-process engine's result.
 */
class CliEndToEndTest {
  static final int B = 600;
  static final long SEED = 42;

  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = CliSupport.startSpark("CliEndToEndTest");
  }

  @AfterAll
  static void stopSpark() {
    CliSupport.stopSpark(spark);
  }

  /** mlp.fn: 16 inputs, 8 outputs. */
  static final Graph MLP = graph("mlp.fn");
  /** scalar_mlp.fn: 8 inputs, 1 output. */
  static final Graph SCALAR_MLP = graph("scalar_mlp.fn");

  private double[] mlpRows() {
    return rows(1, B, 16, -2, 2);
  }

  // ------------------------------------------------------------------ jacobian

  @ParameterizedTest
  @ValueSource(strings = {"forward", "reverse", "auto"})
  void jacobianOnNpyInput(String backend) throws IOException {
    double[] x = mlpRows();
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    Path out = dir.resolve("J.npy");
    CliSupport.Run run = cli("jacobian", "--spec", spec("mlp.fn"), "--input", in, "--output", out,
        "--backend", backend, "--master", "local[2]").ok();
    assertContains(run.out(), "jacobian: ", "summary line");
    assertContains(run.out(), out.toString(), "summary line");
    assertContains(run.out(), "(8, 16, " + B + ") float64, Fortran order", "summary line");
    Tensor expected = ENGINE.batchedJacobian(MLP, Backend.parse(backend, 0), batch(x, B, 16));
    assertNpyEquals(expected, out, 8, 16, B);
  }

  @ParameterizedTest
  @ValueSource(strings = {"forward", "reverse"})
  void jacobianOnSamples(String backend) throws IOException {
    Path out = dir.resolve("J.npy");
    cli("jacobian", "--spec", spec("mlp.fn"), "--samples", B, "--seed", SEED, "--output", out,
        "--backend", backend, "--master", "local[2]").ok();
    double[] x = new Sampler(MLP, SEED).draw(0, B);
    assertNpyEquals(ENGINE.batchedJacobian(MLP, Backend.parse(backend, 0), batch(x, B, 16)), out, 8, 16, B);
  }

  @Test
  void jacobianOfBoreholeOnSamples() throws IOException {
    Graph f = graph("borehole.fn");
    Path out = dir.resolve("J.npy");
    cli("jacobian", "--spec", spec("borehole.fn"), "--samples", B, "--seed", 3, "--output", out,
        "--master", "local[2]").ok();
    double[] x = new Sampler(f, 3).draw(0, B);
    assertNpyEquals(ENGINE.batchedJacobian(f, Backend.auto(), batch(x, B, 8)), out, 1, 8, B);
  }

  @Test
  void jacobianWithRespectToParameters() throws IOException {
    Graph f = graph("ishigami.fn");
    Path out = dir.resolve("J.npy");
    cli("jacobian", "--spec", spec("ishigami.fn"), "--samples", B, "--seed", 5, "--wrt", "a,b", "--output", out,
        "--master", "local[2]").ok();
    double[] x = new Sampler(f, 5).draw(0, B);
    Tensor expected = ENGINE.batchedJacobian(f, Backend.auto(), Engine.Wrt.params("a", "b"), batch(x, B, 3));
    assertNpyEquals(expected, out, 1, 2, B);
    // d/da = sin(x1)^2 and d/db = x2^4 sin(x0): a spot check of the meaning, not just of equality
    Tensor j = CliSupport.readNpy(out);
    for (int b = 0; b < B; b += 97) {
      double x0 = x[3 * b];
      double x1 = x[3 * b + 1];
      double x2 = x[3 * b + 2];
      assertEquals(Math.sin(x1) * Math.sin(x1), j.data()[2 * b], 1e-12);
      assertEquals(Math.pow(x2, 4) * Math.sin(x0), j.data()[2 * b + 1], 1e-9);
    }
  }

  @Test
  void jvpAndHessianWithRespectToParameters() throws IOException {
    Graph f = graph("ishigami.fn");
    double[] x = rows(8, B, 3, -3, 3);
    double[] u = rows(9, B, 2, -1, 1);
    Path in = writeC(dir.resolve("x.npy"), x, B, 3);
    Path tangent = writeC(dir.resolve("u.npy"), u, B, 2);
    Engine.Wrt ab = Engine.Wrt.params("a", "b");
    Path jvp = dir.resolve("jvp.npy");
    cli("jvp", "--spec", spec("ishigami.fn"), "--input", in, "--tangent", tangent, "--wrt", "a,b", "--output", jvp,
        "--master", "local[2]").ok();
    assertNpyEquals(ENGINE.jvp(f, Backend.auto(), ab, batch(x, B, 3), batch(u, B, 2)), jvp, 1, B);
    Path h = dir.resolve("H.npy");
    cli("hessian", "--spec", spec("ishigami.fn"), "--input", in, "--wrt", "a,b", "--output", h,
        "--master", "local[2]").ok();
    assertNpyEquals(ENGINE.hessian(f, Backend.auto(), ab, batch(x, B, 3)), h, 2, 2, B);
  }

  /** A one-value input may come as a rank-1 (B,) file; an inline spec works like a file. */
  @Test
  void rankOneInputAndInlineSpec() throws IOException {
    String inline = "input t\noutput y = t * sin(t)\n";
    double[] t = rows(10, B, 1, -3, 3);
    Path in = dir.resolve("t.npy");
    io.batchjac.engine.tensor.Npy.write(in, Tensor.vector(t));
    Path out = dir.resolve("J.npy");
    cli("jacobian", "--spec", inline, "--input", in, "--output", out, "--master", "local[2]").ok();
    Graph f = io.batchjac.engine.lang.SpecParser.parseInline(inline).graph();
    assertNpyEquals(ENGINE.batchedJacobian(f, Backend.auto(), batch(t, B, 1)), out, 1, 1, B);
    Tensor j = CliSupport.readNpy(out);
    for (int b = 0; b < B; b += 41) {
      assertEquals(Math.sin(t[b]) + t[b] * Math.cos(t[b]), j.data()[b], 1e-12);
    }
  }

  @Test
  void jacobianWithSmallDirectionChunks() throws IOException {
    double[] x = mlpRows();
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    for (String backend : new String[] {"forward", "reverse"}) {
      Path out = dir.resolve("J-" + backend + ".npy");
      cli("jacobian", "--spec", spec("mlp.fn"), "--input", in, "--output", out, "--backend", backend,
          "--chunk", 3, "--master", "local[2]").ok();
      assertNpyEquals(ENGINE.batchedJacobian(MLP, Backend.parse(backend, 3), batch(x, B, 16)), out, 8, 16, B);
    }
  }

  // ------------------------------------------------------------------ jvp, vjp

  @Test
  void jvpOnNpyInput() throws IOException {
    double[] x = mlpRows();
    double[] u = rows(2, B, 16, -1, 1);
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    Path tangent = writeC(dir.resolve("u.npy"), u, B, 16);
    Path out = dir.resolve("jvp.npy");
    CliSupport.Run run = cli("jvp", "--spec", spec("mlp.fn"), "--input", in, "--tangent", tangent, "--output", out,
        "--master", "local[2]").ok();
    assertContains(run.out(), "(8, " + B + ") float64, Fortran order", "summary line");
    assertNpyEquals(ENGINE.jvp(MLP, Backend.auto(), batch(x, B, 16), batch(u, B, 16)), out, 8, B);
  }

  @Test
  void jvpOnSamples() throws IOException {
    double[] u = rows(3, B, 16, -1, 1);
    Path tangent = writeC(dir.resolve("u.npy"), u, B, 16);
    Path out = dir.resolve("jvp.npy");
    cli("jvp", "--spec", spec("mlp.fn"), "--samples", B, "--seed", SEED, "--tangent", tangent, "--output", out,
        "--master", "local[2]").ok();
    double[] x = new Sampler(MLP, SEED).draw(0, B);
    assertNpyEquals(ENGINE.jvp(MLP, Backend.auto(), batch(x, B, 16), batch(u, B, 16)), out, 8, B);
  }

  @Test
  void vjpOnNpyInput() throws IOException {
    double[] x = mlpRows();
    double[] v = rows(4, B, 8, -1, 1);
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    Path cotangent = writeC(dir.resolve("v.npy"), v, B, 8);
    Path out = dir.resolve("vjp.npy");
    CliSupport.Run run = cli("vjp", "--spec", spec("mlp.fn"), "--input", in, "--cotangent", cotangent,
        "--output", out, "--master", "local[2]").ok();
    assertContains(run.out(), "(16, " + B + ") float64, Fortran order", "summary line");
    assertNpyEquals(ENGINE.vjp(MLP, Backend.auto(), batch(x, B, 16), batch(v, B, 8)), out, 16, B);
  }

  @Test
  void vjpOnSamples() throws IOException {
    double[] v = rows(5, B, 8, -1, 1);
    Path cotangent = writeC(dir.resolve("v.npy"), v, B, 8);
    Path out = dir.resolve("vjp.npy");
    cli("vjp", "--spec", spec("mlp.fn"), "--samples", B, "--seed", SEED, "--cotangent", cotangent,
        "--output", out, "--master", "local[2]").ok();
    double[] x = new Sampler(MLP, SEED).draw(0, B);
    assertNpyEquals(ENGINE.vjp(MLP, Backend.auto(), batch(x, B, 16), batch(v, B, 8)), out, 16, B);
  }

  // ------------------------------------------------------------------ hessian, eval

  @Test
  void hessianOnNpyInput() throws IOException {
    double[] x = rows(6, B, 8, -2, 2);
    Path in = writeC(dir.resolve("x.npy"), x, B, 8);
    Path out = dir.resolve("H.npy");
    CliSupport.Run run = cli("hessian", "--spec", spec("scalar_mlp.fn"), "--input", in, "--output", out,
        "--master", "local[2]").ok();
    assertContains(run.out(), "(8, 8, " + B + ") float64, Fortran order", "summary line");
    Tensor expected = ENGINE.hessian(SCALAR_MLP, batch(x, B, 8));
    assertNpyEquals(expected, out, 8, 8, B);
    // symmetric per sample, as a Hessian must be (to rounding)
    double[] h = expected.data();
    for (int b = 0; b < B; b += 50) {
      for (int i = 0; i < 8; i++) {
        for (int j = 0; j < i; j++) {
          assertEquals(h[i + 8 * j + 64 * b], h[j + 8 * i + 64 * b], 1e-12 * (1 + Math.abs(h[i + 8 * j + 64 * b])));
        }
      }
    }
  }

  @Test
  void hessianOnSamples() throws IOException {
    Path out = dir.resolve("H.npy");
    cli("hessian", "--spec", spec("scalar_mlp.fn"), "--samples", B, "--seed", SEED, "--output", out,
        "--master", "local[2]").ok();
    double[] x = new Sampler(SCALAR_MLP, SEED).draw(0, B);
    assertNpyEquals(ENGINE.hessian(SCALAR_MLP, batch(x, B, 8)), out, 8, 8, B);
  }

  @Test
  void evalOnNpyInput() throws IOException {
    double[] x = mlpRows();
    Path in = writeC(dir.resolve("x.npy"), x, B, 16);
    Path out = dir.resolve("f.npy");
    CliSupport.Run run = cli("eval", "--spec", spec("mlp.fn"), "--input", in, "--output", out,
        "--master", "local[2]").ok();
    assertContains(run.out(), "eval: ", "summary line");
    assertNpyEquals(ENGINE.evaluate(MLP, batch(x, B, 16)), out, 8, B);
  }

  @Test
  void evalOnSamples() throws IOException {
    Graph f = graph("borehole.fn");
    Path out = dir.resolve("f.npy");
    cli("eval", "--spec", spec("borehole.fn"), "--samples", B, "--seed", SEED, "--output", out,
        "--master", "local[2]").ok();
    double[] x = new Sampler(f, SEED).draw(0, B);
    assertNpyEquals(ENGINE.evaluate(f, batch(x, B, 8)), out, 1, B);
  }

  // ------------------------------------------------------------------ input layouts

  /** Fortran (N, B) float64, C (B, N) float32 and C (B, N) float64 files of the same samples agree. */
  @Test
  void fortranOrderAndFloat32InputsGiveTheSameResults() throws IOException {
    double[] x = CliSupport.toFloat32(mlpRows()); // exactly representable in float32
    double[] u = CliSupport.toFloat32(rows(7, B, 16, -1, 1));
    Path c64 = writeC(dir.resolve("x-c64.npy"), x, B, 16);
    Path f64 = CliSupport.writeF(dir.resolve("x-f64.npy"), x, B, 16);
    Path c32 = CliSupport.writeC32(dir.resolve("x-c32.npy"), x, B, 16);
    Path uc64 = writeC(dir.resolve("u-c64.npy"), u, B, 16);
    Path uf64 = CliSupport.writeF(dir.resolve("u-f64.npy"), u, B, 16);
    Path uc32 = CliSupport.writeC32(dir.resolve("u-c32.npy"), u, B, 16);

    Tensor jac = ENGINE.batchedJacobian(MLP, Backend.auto(), batch(x, B, 16));
    Tensor jvp = ENGINE.jvp(MLP, Backend.auto(), batch(x, B, 16), batch(u, B, 16));
    byte[] jacRef = null;
    byte[] jvpRef = null;
    Path[][] variants = {{c64, uc64}, {f64, uf64}, {c32, uc32}};
    for (Path[] v : variants) {
      String name = v[0].getFileName().toString();
      Path jOut = dir.resolve("J-" + name);
      cli("jacobian", "--spec", spec("mlp.fn"), "--input", v[0], "--output", jOut, "--master", "local[2]").ok();
      assertNpyEquals(jac, jOut, 8, 16, B);
      Path vOut = dir.resolve("jvp-" + name);
      cli("jvp", "--spec", spec("mlp.fn"), "--input", v[0], "--tangent", v[1], "--output", vOut,
          "--master", "local[2]").ok();
      assertNpyEquals(jvp, vOut, 8, B);
      if (jacRef == null) {
        jacRef = Files.readAllBytes(jOut);
        jvpRef = Files.readAllBytes(vOut);
      } else {
        assertArrayEquals(jacRef, Files.readAllBytes(jOut), name);
        assertArrayEquals(jvpRef, Files.readAllBytes(vOut), name);
      }
    }
  }
  // ------------------------------------------------------------------ ONNX models

  /** The PyTorch fixtures of the engine's ONNX tests (conf/examples/torch_mlp.onnx is mlp64.onnx). */
  static final Path ONNX_FIXTURES = Path.of("../engine/src/test/resources/onnx");

  @Test
  void jacobianOfAnOnnxModelEqualsPyTorch() throws IOException {
    Path x = ONNX_FIXTURES.resolve("mlp64.x.npy");             // (5, 4), C order
    Tensor torchJ = CliSupport.readNpy(ONNX_FIXTURES.resolve("mlp64.jac.npy")); // (5, 3, 4), C order
    Path out = dir.resolve("J.npy");
    CliSupport.Run run = cli("jacobian", "--spec", spec("torch_mlp.onnx"), "--input", x, "--output", out,
        "--master", "local[2]").ok();
    assertContains(run.out(), "(3, 4, 5) float64, Fortran order", "summary line");
    Graph f = SpecLoader.load(spec("torch_mlp.onnx")).graph();
    Tensor xs = CliSupport.readNpy(x);
    assertNpyEquals(ENGINE.batchedJacobian(f, Backend.auto(), xs), out, 3, 4, 5);
    Tensor j = CliSupport.readNpy(out);
    for (int b = 0; b < 5; b++) {
      for (int m = 0; m < 3; m++) {
        for (int n = 0; n < 4; n++) {
          assertEquals(torchJ.get(b, m, n), j.get(m, n, b), 1e-10 * Math.max(1, Math.abs(torchJ.get(b, m, n))));
        }
      }
    }
  }

  @Test
  void anOnnxModelWithTwoInputsTakesSamples() throws IOException {
    Path model = ONNX_FIXTURES.resolve("two_io.onnx");
    Path out = dir.resolve("J2.npy");
    cli("jacobian", "--spec", model, "--samples", 40, "--seed", SEED, "--output", out, "--master", "local[2]").ok();
    Graph f = SpecLoader.load(model).graph();
    double[] x = new Sampler(f, SEED).draw(0, 40); // standard normal: ONNX inputs declare no distribution
    assertNpyEquals(ENGINE.batchedJacobian(f, Backend.auto(), batch(x, 40, 7)), out, 6, 7, 40);
  }
}
