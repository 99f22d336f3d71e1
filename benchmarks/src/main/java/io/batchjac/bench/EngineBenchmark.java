package io.batchjac.bench;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The engine on the reference workloads (the example specs of {@code conf/examples}, the same
 * networks as the PyTorch peer benchmark), one JMH invocation = one whole batch. Inputs are drawn
 * with a fixed seed from the specs' distributions.
 *
 * <p>Run from the repository root: {@code java -jar benchmarks/target/benchmarks.jar EngineBenchmark}
 * (the JVM options and {@code OPENBLAS_NUM_THREADS=1} are set by {@code benchmarks/run.sh}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector"})
public class EngineBenchmark {
  /** workload:op:backend:batch. */
  @Param({
      "mlp:jacobian:forward:65536",
      "mlp:jacobian:reverse:65536",
      "borehole:gradient:reverse:1000000",
      "scalar_mlp:hessian:forward:65536"})
  public String workload;

  @Param({"0"})
  public int threads;

  private Engine engine;
  private Graph f;
  private Backend backend;
  private String op;
  private Tensor x;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    String[] w = workload.split(":");
    f = SpecParser.parseFile(examples().resolve(w[0] + ".fn")).graph();
    op = w[1];
    backend = Backend.parse(w[2], 0);
    int batch = Integer.parseInt(w[3]);
    x = Tensor.of(Shape.of(batch, f.inputSize()), new Sampler(f, 42).draw(0, batch));
    int t = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
    engine = new Engine(new Executor(t, Executor.DEFAULT_CHUNK_DOUBLES));
  }

  static Path examples() {
    for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
      Path c = p.resolve("conf/examples");
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    throw new IllegalStateException("conf/examples not found above " + Path.of("").toAbsolutePath());
  }

  @Benchmark
  public Tensor run() {
    return switch (op) {
      case "jacobian" -> engine.batchedJacobian(f, backend, x);
      case "gradient" -> engine.gradient(f, backend, x);
      case "hessian" -> engine.hessian(f, backend, Engine.Wrt.inputs(), x);
      case "eval" -> engine.evaluate(f, x);
      default -> throw new IllegalArgumentException(op);
    };
  }
}
