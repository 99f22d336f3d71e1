package io.batchjac.engine.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The nested-AD examples of conf/examples against PyTorch float64 (torch.autograd.grad with
 * create_graph=True, fixtures made by src/test/resources/nested/make_fixtures.sh): the PINN
 * residual's per-sample gradient with respect to all weights, the Jacobian penalty's with
 * respect to W1, and the Hessian-vector product. Agreement to 1e-13 of the largest entry.
 */
class NestedExamplesTest {
  private static final Path FIXTURES = Path.of("src/test/resources/nested");
  private static final Engine ENGINE = Engine.defaults();

  private static Graph example(String name) {
    return SpecParser.parseFile(Path.of("../conf/examples", name)).graph();
  }

  /** Our (K, B) result (K values per sample) against PyTorch's (B, K). */
  private static void assertMatches(String what, Tensor ours, Tensor torch) {
    int batch = torch.shape().dim(0);
    int k = torch.shape().dim(1);
    double scale = 0;
    for (double v : torch.data()) {
      scale = Math.max(scale, Math.abs(v));
    }
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < k; i++) {
        assertEquals(torch.get(b, i), ours.get(i, b), 1e-13 * scale, what + " sample " + b + " element " + i);
      }
    }
  }

  private static Tensor fixture(String name) throws IOException {
    return Npy.read(FIXTURES.resolve(name));
  }

  @Test
  void pinnResidualGradientWithRespectToAllWeights() throws IOException {
    Tensor x = fixture("pinn_inputs.npy");
    Graph f = example("pinn_heat.fn");
    for (Backend backend : new Backend[] {Backend.reverse(), Backend.forward()}) {
      Tensor g = ENGINE.gradient(f, backend, Engine.Wrt.params("W1", "b1", "W2", "b2", "W3", "b3"), x);
      assertMatches("pinn " + backend, g, fixture("pinn_expected.npy"));
    }
  }

  @Test
  void jacobianPenaltyGradientWithRespectToW1() throws IOException {
    Tensor x = fixture("penalty_inputs.npy");
    Tensor g = ENGINE.gradient(example("jacobian_penalty.fn"), Backend.auto(), Engine.Wrt.params("W1"), x);
    assertMatches("penalty", g, fixture("penalty_expected.npy"));
  }

  @Test
  void hessianVectorProduct() throws IOException {
    Tensor y = ENGINE.evaluate(example("hvp.fn"), fixture("hvp_inputs.npy"));
    assertMatches("hvp", y, fixture("hvp_expected.npy"));
  }
}
