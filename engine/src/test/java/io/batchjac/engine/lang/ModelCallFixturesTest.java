package io.batchjac.engine.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Model calls against PyTorch float64 ({@code src/test/resources/models/make_model_fixtures.py}):
 * residuals that call the ONNX fixture {@code mlp64.onnx} and the {@code .fn} model
 * {@code tiny_net.fn} twice each; their values and their per-sample gradients with respect to the
 * model's weights ({@code --wrt MODEL}, all at once and one by one, forward and reverse) equal
 * PyTorch's autograd on the same weights within 1e-10 relative.
 */
class ModelCallFixturesTest {
  static final Path DIR = Path.of("src/test/resources/models");
  private static final Engine ENGINE = Engine.defaults();

  static Tensor npy(String file) throws IOException {
    return Npy.read(DIR.resolve(file));
  }

  @ParameterizedTest
  @CsvSource({"onnx_residual, net", "fn_residual, tiny", "onnx_jacsum, net", "fn_jacsum, tiny"})
  void residualAndWeightGradientsEqualPyTorch(String name, String model) throws IOException {
    Graph f = SpecParser.parseFile(DIR.resolve(name + ".fn")).graph();
    Tensor x = npy(name + ".x.npy");            // (B, N)
    Tensor r = npy(name + ".r.npy");            // (B,)
    int b = x.shape().dim(0);

    Tensor ours = ENGINE.evaluate(f, x);        // (1, B)
    for (int s = 0; s < b; s++) {
      assertClose(r.get(s), ours.get(0, s), name + " r of sample " + s);
    }

    List<Node> params = f.selectParams(List.of(model));
    assertEquals(f.params(), params, "the residual's params are exactly the model's");
    for (Backend backend : List.of(Backend.forward(), Backend.reverse())) {
      Tensor all = ENGINE.gradient(f, backend, Engine.Wrt.params(model), x);   // (P, B)
      int offset = 0;
      for (Node p : params) {
        String own = p.name().substring(model.length() + 1);
        Tensor expected = npy(name + ".grad." + own + ".npy");                  // (B,) + shape
        Tensor one = ENGINE.gradient(f, backend, Engine.Wrt.params(p.name()), x);
        int size = p.shape().size();
        assertEquals(Shape.of(b).concat(p.shape()), expected.shape(), p.name());
        for (int s = 0; s < b; s++) {
          for (int k = 0; k < size; k++) {
            double e = expected.toC().data()[s * size + k];
            String what = name + " " + backend.kind() + " d r / d " + p.name() + "[" + k + "] of sample " + s;
            assertClose(e, all.get(offset + k, s), what + " (--wrt " + model + ")");
            assertClose(e, one.get(k, s), what);
          }
        }
        offset += size;
      }
      assertEquals(offset, all.shape().dim(0));
    }
  }

  private static void assertClose(double expected, double actual, String what) {
    if (!(Math.abs(expected - actual) <= 1e-10 * Math.max(1, Math.abs(expected)))) {
      throw new AssertionError(what + ": expected " + expected + " (PyTorch) but was " + actual);
    }
  }
}
