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
 * How the engine's cost grows with the batch: the mlp and Borehole Jacobians at B = 1e3 ... 1e6
 * (one invocation = one whole batch). Small batches show the fixed cost per call (deriving and
 * compiling the operation, thread hand-off, frames); large ones the per-sample rate.
 *
 * <p>Average time over 1-second iterations (at least one call each), not single shots: a few
 * single calls on 1,000 samples would time code the JIT has not compiled yet.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", ForkHeap.MIN, ForkHeap.MAX, ForkHeap.PRE_TOUCH})
public class SweepBenchmark {
  /** spec:op:backend (the batch comes from {@link #batch}). */
  @Param({"mlp:jacobian:auto", "borehole:jacobian:auto"})
  public String workload;

  @Param({"1000", "10000", "100000", "1000000"})
  public int batch;

  private Engine engine;
  private Workload w;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    w = Workload.parse(workload + ":" + batch);
    engine = new Engine(new Executor(Threads.resolve(0), Executor.DEFAULT_CHUNK_DOUBLES));
  }

  @Benchmark
  public Tensor run() {
    return w.run(engine);
  }
}
