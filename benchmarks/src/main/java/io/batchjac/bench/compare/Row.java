package io.batchjac.bench.compare;

import io.batchjac.bench.Workload;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.exec.Executor;

/**
 * One workload of the comparison table (the table): what runs on our side
 * ({@code engineKey}, an {@code EngineBenchmark} parameter), on PyTorch's ({@code torchWorkload}
 * and {@code torchKind} of the peer's records), the in-JVM anchors ({@code BaselineBenchmark}
 * parameters, or null), and issue 14's targets: the speedup over PyTorch's best route, the least
 * fraction of the dgemm rate (0: none) and the most time relative to the hand-written analytic code
 * (0: none).
 */
record Row(String label, String shortLabel, String engineKey, String torchWorkload, String torchKind,
    String hipparchusKey, String analyticKey, double speedupTarget, double dgemmTarget, double analyticTarget) {

  static final Row[] TABLE = {
      new Row("mlp 16-64-64-8 tanh, Jacobian", "mlp J", "mlp:jacobian:auto:65536", "mlp", "jacobian",
          "hipparchus:mlp:jacobian:4096", null, 4, 0.6, 0),
      new Row("wide 4-256-256-64 tanh, Jacobian", "wide J", "wide:jacobian:auto:16384", "wide", "jacobian",
          null, null, 4, 0, 0),
      new Row("Borehole, Jacobian (1 x 8)", "Borehole J", "borehole:jacobian:auto:1000000", "borehole", "jacobian",
          "hipparchus:borehole:jacobian:1000000", "analytic:borehole:jacobian:1000000", 3, 0, 1.3),
      new Row("Ishigami, Jacobian (1 x 3)", "Ishigami J", "ishigami:jacobian:auto:1000000", "ishigami", "jacobian",
          null, "analytic:ishigami:jacobian:1000000", 4, 0, 1.2),
      new Row("softplus 8-64-1, Hessian", "softplus H", "scalar_mlp:hessian:forward:65536", "scalar_mlp", "hessian",
          "hipparchus:scalar_mlp:hessian:4096", null, 10, 0, 0),
      new Row("mlp, JVP", "mlp JVP", "mlp:jvp:forward:65536", "mlp", "jvp", null, null, 3, 0, 0),
      new Row("mlp, VJP", "mlp VJP", "mlp:vjp:reverse:65536", "mlp", "vjp", null, null, 3, 0, 0),
  };

  int batch() {
    return Integer.parseInt(engineKey.substring(engineKey.lastIndexOf(':') + 1));
  }

  /** Batch size encoded last in a benchmark key. */
  static int batchOf(String key) {
    return Integer.parseInt(key.substring(key.lastIndexOf(':') + 1));
  }

  /**
   * Per-sample work of our plan: GEMM FLOPs the engine executes (measured by running it on a
   * small batch, a whole number of GEMM panels) and the least memory traffic (inputs read once,
   * the result written once, 8 bytes per value).
   */
  double[] flopsAndBytesPerSample() throws Exception {
    int small = 1024;
    Workload w = Workload.parse(engineKey.substring(0, engineKey.lastIndexOf(':') + 1) + small);
    Engine engine = new Engine(new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES));
    long before = engine.gemmFlopsExecuted();
    w.run(engine);
    double flops = (engine.gemmFlopsExecuted() - before) / (double) small;
    int n = w.f.inputSize();
    int m = w.f.outputSize();
    double values = switch (w.op) {
      case "jacobian" -> n + m * n;
      case "hessian" -> n + n * n;
      case "jvp" -> 2 * n + m;
      case "vjp" -> n + m + n;
      default -> n + m;
    };
    return new double[] {flops, 8 * values};
  }
}
