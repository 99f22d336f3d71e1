package io.batchjac.bench;

import io.batchjac.engine.api.Engine;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.tensor.Tensor;
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
 * The engine on the reference workloads of the PyTorch comparison (issue "Faster than PyTorch"):
 * the example specs of {@code conf/examples} (the peer's networks and weights), one JMH
 * invocation = one whole batch, inputs drawn with a fixed seed (see {@link Workload}).
 *
 * <p>Run from the repository root:
 * {@code OPENBLAS_NUM_THREADS=1 java -jar benchmarks/target/benchmarks.jar EngineBenchmark}
 * ({@code benchmarks/compare.sh} runs it with the peer and writes the comparison).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", ForkHeap.MIN, ForkHeap.MAX, ForkHeap.PRE_TOUCH})
public class EngineBenchmark {
  /** spec:op:backend:batch (see {@link Workload}). */
  @Param({
      "mlp:jacobian:auto:65536",
      "wide:jacobian:auto:16384",
      "borehole:jacobian:auto:1000000",
      "ishigami:jacobian:auto:1000000",
      "scalar_mlp:hessian:forward:65536",
      "mlp:jvp:forward:65536",
      "mlp:vjp:reverse:65536"})
  public String workload;

  /** Engine threads (0 = all cores). */
  @Param({"0"})
  public int threads;

  private Engine engine;
  private Workload w;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    w = Workload.parse(workload);
    engine = new Engine(new Executor(Threads.resolve(threads), Executor.DEFAULT_CHUNK_DOUBLES));
  }

  @Benchmark
  public Tensor run() {
    return w.run(engine);
  }
}
