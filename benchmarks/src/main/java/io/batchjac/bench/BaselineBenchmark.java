package io.batchjac.bench;

import io.batchjac.bench.baseline.AnalyticDerivatives;
import io.batchjac.bench.baseline.HipparchusDerivatives;
import io.batchjac.bench.baseline.Network;
import io.batchjac.bench.baseline.RangeRunner;
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
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The in-JVM anchors of the comparison, on the same inputs as {@link EngineBenchmark} and the
 * same number of threads as the engine: hand-written analytic Jacobians (the limit for
 * closed-form functions) and Hipparchus forward-mode objects (the Java peer). One invocation =
 * one whole batch, result array allocated per call as the engine does.
 *
 * <p>Hipparchus is slow, so its network workloads run on fewer samples than the engine's
 * (the batch is part of the parameter; per-sample cost does not depend on it): compare
 * samples/s.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3)
@Measurement(iterations = 5)
@Fork(value = 1, jvmArgsAppend = {ForkHeap.MIN, ForkHeap.MAX, ForkHeap.PRE_TOUCH})
public class BaselineBenchmark {
  /** method:workload:op:batch, the workload and op named as in {@link EngineBenchmark}. */
  @Param({
      "analytic:borehole:jacobian:1000000",
      "analytic:ishigami:jacobian:1000000",
      "hipparchus:mlp:jacobian:4096",
      "hipparchus:borehole:jacobian:1000000",
      "hipparchus:scalar_mlp:hessian:4096"})
  public String baseline;

  @Param({"0"})
  public int threads;

  private RangeRunner runner;
  private Workload w;
  private Network net;
  private int width;
  private RangeRunner.Body body;
  private double[] out;

  @Setup(Level.Trial)
  public void setup() throws Exception {
    String[] p = baseline.split(":");
    w = Workload.parse(p[1] + ":" + p[2] + ":auto:" + p[3]);
    runner = new RangeRunner(Threads.resolve(threads));
    int n = w.f.inputSize();
    width = p[2].equals("hessian") ? n * n : n * w.f.outputSize();
    if (p[1].endsWith("mlp")) {
      net = Network.load(Workload.examples().resolve(p[1]));
    }
    double[] x = w.x.toC().data();
    body = switch (p[0] + ":" + p[1]) {
      case "analytic:borehole" -> (from, to) -> AnalyticDerivatives.boreholeJacobian(x, out, from, to);
      case "analytic:ishigami" -> (from, to) -> AnalyticDerivatives.ishigamiJacobian(x, out, from, to);
      case "hipparchus:mlp" -> (from, to) -> HipparchusDerivatives.mlpJacobian(net, x, out, from, to);
      case "hipparchus:borehole" -> (from, to) -> HipparchusDerivatives.boreholeGradient(x, out, from, to);
      case "hipparchus:scalar_mlp" -> (from, to) -> HipparchusDerivatives.softplusHessian(net, x, out, from, to);
      default -> throw new IllegalArgumentException("no baseline '" + baseline + "'");
    };
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    runner.close();
  }

  @Benchmark
  public double[] run() {
    out = new double[width * w.batch];
    runner.run(w.batch, body);
    return out;
  }
}
