package io.batchjac.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Models exported by PyTorch ({@code src/test/resources/onnx/make_fixtures.py}): our outputs and
 * per-sample Jacobians (forward and reverse mode) equal PyTorch's within 1e-10 relative for the
 * float64 exports. The float32 export is compared with PyTorch's float64 run of the same
 * (widened) weights; its graph also stores constants in float32 (GELU's sqrt(2)), so it agrees
 * within float32 rounding (1e-6 relative). The one-output model's Hessians equal PyTorch's, and
 * the imported graphs pass the engine's gradient checks ({@code GradCheck.checkAll}).
 */
class OnnxFixturesTest {
  static final Path DIR = Path.of("src/test/resources/onnx");
  private static final Engine ENGINE = Engine.defaults();

  static Graph load(String name) {
    return OnnxImporter.importFile(DIR.resolve(name + ".onnx")).graph();
  }

  static Tensor npy(String file) throws IOException {
    return Npy.read(DIR.resolve(file));
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp64", "mlp32", "two_io", "closed_form", "extras", "scalar_mlp", "example_mlp"})
  void outputsAndJacobiansEqualPyTorch(String name) throws IOException {
    Graph f = load(name);
    Tensor x = npy(name + ".x.npy");            // (B, N) C order
    Tensor y = npy(name + ".y.npy");            // (B, M) C order
    Tensor jac = npy(name + ".jac.npy");        // (B, M, N) C order
    int b = x.shape().dim(0);
    int n = f.inputSize();
    int m = f.outputSize();
    double tol = name.endsWith("32") ? 1e-6 : 1e-10;
    assertEquals(n, x.shape().dim(1));
    assertEquals(Shape.of(b, m, n), jac.shape());

    Tensor ours = ENGINE.evaluate(f, x);        // (M, B) Fortran
    for (int s = 0; s < b; s++) {
      for (int i = 0; i < m; i++) {
        assertClose(y.get(s, i), ours.get(i, s), tol, name + " output " + i + " of sample " + s);
      }
    }
    for (Backend backend : List.of(Backend.forward(), Backend.reverse())) {
      Tensor j = ENGINE.batchedJacobian(f, backend, x); // (M, N, B)
      for (int s = 0; s < b; s++) {
        for (int i = 0; i < m; i++) {
          for (int k = 0; k < n; k++) {
            assertClose(jac.get(s, i, k), j.get(i, k, s), tol,
                name + " " + backend.kind() + " J[" + i + ", " + k + "] of sample " + s);
          }
        }
      }
    }
  }

  @Test
  void theExportOfAnFnSpecComputesTheSameBits() throws IOException {
    // example_mlp.onnx is conf/examples/mlp.fn exported from PyTorch with the same weights
    Graph onnx = load("example_mlp");
    Graph fn = io.batchjac.engine.lang.SpecParser.parseFile(Path.of("../conf/examples/mlp.fn")).graph();
    Tensor x = npy("example_mlp.x.npy");
    for (Backend backend : List.of(Backend.forward(), Backend.reverse())) {
      assertArrayEquals(ENGINE.batchedJacobian(fn, backend, x).data(), ENGINE.batchedJacobian(onnx, backend, x).data(),
          0.0, backend.kind().toString());
    }
    assertEquals(fn.param("W2").value().shape(), onnx.param("fc2.weight").value().shape());
    assertArrayEquals(fn.param("W2").value().data(), onnx.param("fc2.weight").value().data(), 0.0);
  }

  @Test
  void hessianEqualsPyTorch() throws IOException {
    Graph f = load("scalar_mlp");
    Tensor x = npy("scalar_mlp.x.npy");          // (B, 5)
    Tensor h = npy("scalar_mlp.hess.npy");       // (B, 5, 5)
    Tensor ours = ENGINE.hessian(f, x);           // (5, 5, B)
    for (int s = 0; s < x.shape().dim(0); s++) {
      for (int i = 0; i < 5; i++) {
        for (int k = 0; k < 5; k++) {
          assertClose(h.get(s, i, k), ours.get(i, k, s), 1e-10, "H[" + i + ", " + k + "] of sample " + s);
        }
      }
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"mlp64", "two_io", "extras", "scalar_mlp"})
  void importedGraphsPassTheGradientChecks(String name) throws IOException {
    io.batchjac.engine.GradCheck.checkAll("onnx " + name, load(name), npy(name + ".x.npy"));
  }

  private static void assertClose(double expected, double actual, double relTol, String what) {
    if (!(Math.abs(expected - actual) <= relTol * Math.max(1, Math.abs(expected)))) {
      throw new AssertionError(what + ": expected " + expected + " (PyTorch) but was " + actual);
    }
  }

  @Test
  void namesShapesAndParamsAreKept() {
    Graph f = load("two_io");
    assertEquals(List.of("x", "z"), f.inputs().stream().map(Node::name).toList());
    assertEquals(Shape.of(3), f.inputs().get(0).shape());
    assertEquals(Shape.of(2, 2), f.inputs().get(1).shape());
    assertEquals(List.of("p", "q"), f.outputs().stream().map(Graph.Output::name).toList());
    assertEquals(List.of(Shape.of(4), Shape.of(2)), f.outputShapes());
    Node w = f.param("proj.weight");
    assertEquals(Shape.of(4, 7), w.shape());
  }

  @Test
  void float32InitializersAreWidenedExactly() {
    Graph f = load("mlp32");
    Node w = f.param("fc1.weight");
    assertEquals(Shape.of(8, 4), w.shape());
    for (double v : w.value().data()) {
      assertEquals(v, (double) (float) v, 0.0, "a float32 weight widened exactly");
    }
    // the same seed gives the same weights in the float64 export (rounded there from float32 too)
    assertArrayEquals(load("mlp64").param("fc1.weight").value().data(), w.value().data(), 0.0);
  }

  @Test
  void parameterJacobianMatchesCentralDifferences() throws IOException {
    Graph f = load("mlp64");
    Tensor x = npy("mlp64.x.npy");
    Tensor jw = ENGINE.batchedJacobian(f, Backend.reverse(), Engine.Wrt.params("out.bias"), x); // (3, 3, B)
    for (int s = 0; s < x.shape().dim(0); s++) {
      for (int i = 0; i < 3; i++) {
        for (int k = 0; k < 3; k++) {
          assertEquals(i == k ? 1.0 : 0.0, jw.get(i, k, s), 1e-12, "d y_i / d out.bias_k is the identity");
        }
      }
    }
  }
}
