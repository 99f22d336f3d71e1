package io.batchjac.engine.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Second derivatives through model calls against PyTorch's double backward
 * ({@code make_model_fixtures.py}: the jacobian-sum residual r(x) = sum_ij d model_i / d x_j and
 * d r / d weights by {@code torch.autograd.grad(create_graph=True)}).
 *
 * <p>Until the language has {@code jacobian(e, v)} this takes the mixed second derivatives from
 * the engine's Hessian: with the sample's x made a param, the Hessian of g = sum(model(x)) with
 * respect to (x, all of the model's weights) holds d2 g / dx_j dW_k, and
 * d r / dW_k = sum_j d2 g / dx_j dW_k; r itself is sum_j dg / dx_j. Forward-over-reverse through
 * the inlined model, per sample, within 1e-10 relative of PyTorch.
 */
class ModelSecondOrderTest {
  private static final Engine ENGINE = Engine.defaults();

  @ParameterizedTest
  @CsvSource({"onnx_jacsum, net, ../onnx/mlp64.onnx, 4", "fn_jacsum, tiny, tiny_net.fn, 3"})
  void jacobianSumAndItsWeightGradientEqualPyTorchDoubleBackward(String name, String model, String file, int n)
      throws IOException {
    Tensor x = ModelCallFixturesTest.npy(name + ".x.npy").toC();   // (B, n)
    Tensor r = ModelCallFixturesTest.npy(name + ".r.npy");         // (B,)
    Tensor dummy = Tensor.of(Shape.of(1, 1), new double[] {0});
    int batch = x.shape().dim(0);
    for (int s = 0; s < batch; s++) {
      StringBuilder values = new StringBuilder();
      for (int j = 0; j < n; j++) {
        values.append(j > 0 ? ", " : "").append(x.data()[s * n + j]);
      }
      String spec = "model " + model + " = load(\"" + file + "\")\nparam x = [" + values + "]\ninput unused\n"
          + "output g = sum(" + model + "(x)) + 0 * unused";
      Graph g = SpecParser.parse(spec, name + "-sample-" + s, ModelCallFixturesTest.DIR.toAbsolutePath()).graph();
      List<Node> weights = g.selectParams(List.of(model));
      int total = n + weights.stream().mapToInt(p -> p.shape().size()).sum();
      Tensor h = ENGINE.hessian(g, Backend.auto(), Engine.Wrt.params("x", model), dummy);   // (total, total, 1)
      assertEquals(Shape.of(total, total, 1), h.shape());

      double rOurs = 0;
      Tensor dg = ENGINE.gradient(g, Backend.reverse(), Engine.Wrt.params("x"), dummy);     // (n, 1)
      for (int j = 0; j < n; j++) {
        rOurs += dg.get(j, 0);
      }
      assertClose(r.get(s), rOurs, name + " r of sample " + s);

      int offset = n;
      for (Node p : weights) {
        String own = p.name().substring(model.length() + 1);
        double[] expected = ModelCallFixturesTest.npy(name + ".grad." + own + ".npy").toC().data();
        int size = p.shape().size();
        for (int k = 0; k < size; k++) {
          double ours = 0;
          for (int j = 0; j < n; j++) {
            ours += h.get(j, offset + k, 0);
          }
          assertClose(expected[s * size + k], ours, name + " d r / d " + p.name() + "[" + k + "] of sample " + s);
        }
        offset += size;
      }
    }
  }

  private static void assertClose(double expected, double actual, String what) {
    if (!(Math.abs(expected - actual) <= 1e-10 * Math.max(1, Math.abs(expected)))) {
      throw new AssertionError(what + ": expected " + expected + " (PyTorch) but was " + actual);
    }
  }
}
