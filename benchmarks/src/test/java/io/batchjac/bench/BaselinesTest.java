package io.batchjac.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.bench.baseline.AnalyticDerivatives;
import io.batchjac.bench.baseline.HipparchusDerivatives;
import io.batchjac.bench.baseline.Network;
import io.batchjac.bench.baseline.RangeRunner;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.exec.Executor;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The baselines compute what the engine computes: hand-written and Hipparchus derivatives
 * against the engine's results on the benchmark inputs (a batch spanning several of the runner's
 * blocks, on 2 threads, as benchmarked).
 */
class BaselinesTest {
  private static final int BATCH = 2 * RangeRunner.BLOCK + 123;
  private static RangeRunner runner;
  private static Engine engine;

  @BeforeAll
  static void start() {
    runner = new RangeRunner(2);
    engine = new Engine(new Executor(2, Executor.DEFAULT_CHUNK_DOUBLES));
  }

  @AfterAll
  static void stop() {
    runner.close();
  }

  /** A baseline's loop over samples, given the inputs and the result array. */
  private interface Baseline {
    RangeRunner.Body body(double[] x, double[] out);
  }

  @Test
  void analyticBoreholeMatchesEngine() throws Exception {
    check("borehole:jacobian:auto:" + BATCH, 8, (x, out) -> (from, to) -> AnalyticDerivatives.boreholeJacobian(x, out, from, to), 1e-12);
  }

  @Test
  void analyticIshigamiMatchesEngine() throws Exception {
    check("ishigami:jacobian:auto:" + BATCH, 3, (x, out) -> (from, to) -> AnalyticDerivatives.ishigamiJacobian(x, out, from, to), 1e-12);
  }

  @Test
  void hipparchusMlpJacobianMatchesEngine() throws Exception {
    Network net = Network.load(Workload.examples().resolve("mlp"));
    check("mlp:jacobian:auto:500", 8 * 16, (x, out) -> (from, to) -> HipparchusDerivatives.mlpJacobian(net, x, out, from, to), 1e-12);
  }

  @Test
  void hipparchusBoreholeGradientMatchesEngine() throws Exception {
    check("borehole:jacobian:auto:" + BATCH, 8, (x, out) -> (from, to) -> HipparchusDerivatives.boreholeGradient(x, out, from, to), 1e-12);
  }

  @Test
  void hipparchusSoftplusHessianMatchesEngine() throws Exception {
    Network net = Network.load(Workload.examples().resolve("scalar_mlp"));
    check("scalar_mlp:hessian:forward:300", 8 * 8, (x, out) -> (from, to) -> HipparchusDerivatives.softplusHessian(net, x, out, from, to), 1e-11);
  }

  /** Runs {@code baseline} on the workload's inputs on 2 threads and compares with the engine's result. */
  private static void check(String workload, int perSample, Baseline baseline, double rel) throws Exception {
    Workload w = Workload.parse(workload);
    double[] x = w.x.toC().data();
    double[] out = new double[perSample * w.batch];
    runner.run(w.batch, baseline.body(x, out));
    assertClose(w.run(engine).data(), out, rel);
  }

  /** Every element within {@code rel} of the engine's, relative to the larger magnitude (absolute near 0). */
  private static void assertClose(double[] engine, double[] baseline, double rel) {
    assertEquals(engine.length, baseline.length);
    double scale = 0;
    for (double v : engine) {
      scale = Math.max(scale, Math.abs(v));
    }
    assertTrue(scale > 0, "engine result is all zeros");
    for (int i = 0; i < engine.length; i++) {
      double tol = rel * Math.max(Math.abs(engine[i]), 1e-3 * scale);
      if (!(Math.abs(engine[i] - baseline[i]) <= tol)) {
        throw new AssertionError("element " + i + ": engine " + engine[i] + ", baseline " + baseline[i]);
      }
    }
  }
}
