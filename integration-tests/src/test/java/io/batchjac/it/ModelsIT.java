package io.batchjac.it;

import static io.batchjac.it.Checks.assertNpyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.api.SpecLoader;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Specs that call models, submitted with spark-submit to the standalone cluster: the driver reads
 * the model files (an ONNX model; a {@code .fn} model and the {@code .npy} it loads) and ships
 * them inside the job; {@code jacobian --wrt MODEL} equals the in-process engine bitwise.
 */
class ModelsIT {
  @RegisterExtension
  static final ClusterExtension CLUSTER = ClusterExtension.clusterOnly("models-it");

  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Checks.freshDir("models-it");
  }

  private static void jacobianWrtModelEqualsTheEngine(Path spec, String wrt, int b, String out) throws Exception {
    Path result = dir.resolve(out);
    SparkSubmitter.Result r = SparkSubmitter.submit(CLUSTER.cluster(), List.of(), "io.batchjac.jobs.JacobianJob",
        List.of("--spec", spec.toString(), "--samples", String.valueOf(b), "--seed", "9", "--wrt", wrt,
            "--output", result.toString(), "--partitions", "4"),
        TIMEOUT);
    assertEquals(0, r.status(), r::toString);
    Graph f = SpecLoader.load(spec).graph();
    Tensor x = Tensor.of(Shape.of(b, f.inputSize()), new Sampler(f, 9).draw(0, b));
    assertNpyEquals(Checks.ENGINE.batchedJacobian(f, Backend.auto(), Engine.Wrt.params(wrt), x), result);
  }

  @Test
  void aSpecCallingTheOnnxModel() throws Exception {
    jacobianWrtModelEqualsTheEngine(ClusterEnv.example("onnx_residual.fn"), "net", 3_000, "onnx-residual.npy");
  }

  @Test
  void aSpecCallingAnFnModelWhoseWeightsAreNpyFiles() throws Exception {
    Path models = Files.createDirectories(dir.resolve("fn-model/m"));
    Npy.write(models.resolve("W.npy"), Tensor.of(Shape.of(3, 2), new double[] {1, -2, 0.5, 3, -1, 2}));
    Files.writeString(models.resolve("lin.fn"), "input z[2]\nparam W = load(\"W.npy\")\noutput tanh(W @ z)");
    Path spec = dir.resolve("fn-model/spec.fn");
    Files.writeString(spec, "model lin = load(\"m/lin.fn\")\ninput x[2] ~ uniform(-1, 1)\noutput sum(lin(x) * lin(2 * x))");
    jacobianWrtModelEqualsTheEngine(spec, "lin", 2_000, "fn-model.npy");
  }
}
