package io.batchjac.bench;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * One benchmark workload: an example spec of {@code conf/examples}, an operation, a backend and
 * a batch size, written {@code spec:op:backend:batch} (e.g. {@code mlp:jacobian:auto:65536}), with
 * its seeded inputs. Inputs {@code x} and tangents {@code u} are drawn from the spec's
 * distributions (standard normal where none is declared), cotangents {@code v} uniform on
 * [-1, 1); all C-order {@code (B, N)} or {@code (B, M)}.
 */
public final class Workload {
  public final String spec;
  public final String op;
  public final Backend backend;
  public final int batch;
  public final Graph f;
  public final Tensor x;
  private final Tensor u;
  private final Tensor v;

  private Workload(String spec, String op, Backend backend, int batch, Graph f) {
    this.spec = spec;
    this.op = op;
    this.backend = backend;
    this.batch = batch;
    this.f = f;
    this.x = Tensor.of(Shape.of(batch, f.inputSize()), new Sampler(f, 42).draw(0, batch));
    this.u = op.equals("jvp") ? Tensor.of(Shape.of(batch, f.inputSize()), new Sampler(f, 43).draw(0, batch)) : null;
    this.v = op.equals("vjp") ? Tensor.of(Shape.of(batch, f.outputSize()), uniforms(44, batch * f.outputSize())) : null;
  }

  /** Parses {@code spec:op:backend:batch}; {@code op} is jacobian, gradient, hessian, jvp, vjp or eval. */
  public static Workload parse(String key) throws Exception {
    String[] w = key.split(":");
    if (w.length != 4) {
      throw new IllegalArgumentException("workload must be spec:op:backend:batch, got '" + key + "'");
    }
    Graph f = SpecParser.parseFile(examples().resolve(w[0] + ".fn")).graph();
    return new Workload(w[0], w[1], Backend.parse(w[2], 0), Integer.parseInt(w[3]), f);
  }

  /** Runs the operation on the whole batch and returns the engine's result. */
  public Tensor run(Engine engine) {
    return switch (op) {
      case "jacobian" -> engine.batchedJacobian(f, backend, x);
      case "gradient" -> engine.gradient(f, backend, x);
      case "hessian" -> engine.hessian(f, backend, Engine.Wrt.inputs(), x);
      case "jvp" -> engine.jvp(f, backend, x, u);
      case "vjp" -> engine.vjp(f, backend, x, v);
      case "eval" -> engine.evaluate(f, x);
      default -> throw new IllegalArgumentException("unknown op '" + op + "'");
    };
  }

  /** {@code conf/examples} of the checkout the benchmark runs in (searched upwards from the working directory). */
  public static Path examples() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path c = p.resolve("conf/examples");
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    throw new IllegalStateException("conf/examples not found above " + Path.of("").toAbsolutePath());
  }

  /**
   * {@code batch} samples of {@code f}'s inputs drawn from its distributions (seed 0), written to
   * {@code file} as a C-order {@code (B, N)} .npy (the jobs' input) and returned.
   */
  public static Tensor drawnInputs(Graph f, int batch, Path file) throws java.io.IOException {
    Tensor x = Tensor.of(Shape.of(batch, f.inputSize()), new Sampler(f, 0).draw(0, batch));
    io.batchjac.engine.tensor.Npy.write(file, x);
    return x;
  }

  private static double[] uniforms(long seed, int count) {
    SplittableRandom r = new SplittableRandom(seed);
    double[] d = new double[count];
    for (int i = 0; i < count; i++) {
      d[i] = r.nextDouble(-1, 1);
    }
    return d;
  }

  /**
   * Lets the machine settle before a timed run: the file system writes back what earlier runs
   * wrote ({@code sync}), then one second of quiet. Without it each run paid for the previous
   * run's gigabyte on its way to the disk (on these virtual machines the host's writing slows the
   * guest's cores), and the job's figures moved by 40% from run to run (docs/benchmarks.md).
   */
  public static void settle() throws InterruptedException {
    try {
      new ProcessBuilder("sync").inheritIO().start().waitFor();
    } catch (java.io.IOException e) {
      // no sync command: the quiet second only
    }
    Thread.sleep(1000);
  }
}
