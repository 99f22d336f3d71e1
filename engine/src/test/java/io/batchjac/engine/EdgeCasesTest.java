package io.batchjac.engine;

import io.batchjac.engine.math.VecMath;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Graph shapes that stress the planner rather than the rules: outputs that are inputs, outputs
 * shared between names, sample-independent outputs, unused inputs, tiny and empty batches, and
 * the accepted layouts of {@code x}.
 */
class EdgeCasesTest {
  private static final Engine ENGINE = Engine.defaults();

  private static Tensor identity(int n, int batch) {
    double[] d = new double[n * n * batch];
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < n; i++) {
        d[b * n * n + i * n + i] = 1;
      }
    }
    return Tensor.of(Shape.of(n, n, batch), d, Tensor.Order.F);
  }

  @Test
  void outputIsTheInput() {
    GraphBuilder b = new GraphBuilder();
    b.output("y", b.input("x", Shape.of(3)));
    Graph f = b.build();
    Tensor x = GradCheck.uniform(new Random(1), 4, 3, -1, 1);
    assertArrayEquals(x.data(), ENGINE.evaluate(f, x).data(), 0.0, "evaluate(identity)");
    for (Backend be : new Backend[] {Backend.forward(), Backend.reverse(), Backend.forward(2), Backend.reverse(2)}) {
      assertArrayEquals(identity(3, 4).data(), ENGINE.batchedJacobian(f, be, x).data(), 0.0, "Jacobian " + be);
    }
    GradCheck.checkAll("identity", ENGINE, f, x);
  }

  @Test
  void outputsSharingANodeAndReshapedInputs() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(2, 2));
    Node s = b.sin(x);
    b.output("a", s);
    b.output("b", s);
    b.output("c", b.reshape(x, Shape.of(4)));
    b.output("d", b.reshape(s, Shape.of(4, 1)));
    Graph f = b.build();
    Tensor x0 = GradCheck.uniform(new Random(2), 3, 4, -1, 1);
    Tensor y = ENGINE.evaluate(f, x0);
    for (int s0 = 0; s0 < 3; s0++) {
      for (int i = 0; i < 4; i++) {
        double xi = x0.data()[s0 * 4 + i];
        assertEquals(VecMath.sin(xi), y.get(i, s0), 0.0, "output a");
        assertEquals(VecMath.sin(xi), y.get(4 + i, s0), 0.0, "output b");
        assertEquals(xi, y.get(8 + i, s0), 0.0, "output c");
        assertEquals(VecMath.sin(xi), y.get(12 + i, s0), 0.0, "output d");
      }
    }
    GradCheck.checkAll("shared outputs", ENGINE, f, x0);
  }

  @Test
  void sampleIndependentOutputAndUnusedInput() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(2));
    b.input("unused", Shape.of(2));
    Node w = b.param("W", Tensor.vector(0.5, -1.5, 2));
    b.output("w2", b.mul(w, w));
    b.output("y", b.mul(b.sumAll(b.exp(x)), b.sumAll(w)));
    Graph f = b.build();
    Tensor x0 = GradCheck.uniform(new Random(3), 3, 4, -1, 1);
    Tensor y = ENGINE.evaluate(f, x0);
    for (int s = 0; s < 3; s++) {
      assertEquals(0.25, y.get(0, s), 0.0, "sample-independent output replicated at sample " + s);
      assertEquals(2.25, y.get(1, s), 0.0);
      assertEquals(4, y.get(2, s), 0.0);
    }
    GradCheck.checkAll("constant output, unused input", ENGINE, f, x0);
    Tensor j = ENGINE.batchedJacobian(f, Backend.reverse(), x0);
    for (int s = 0; s < 3; s++) {
      for (int m = 0; m < 4; m++) {
        for (int n = 0; n < 4; n++) {
          if (m < 3 || n >= 2) {
            assertEquals(0.0, j.get(m, n, s), 0.0, "structurally zero Jacobian entry [" + m + ", " + n + "]");
          }
        }
      }
    }
    // with respect to the parameter: d w2 / d W = diag(2 W), d y / d W = sum(exp(x))
    GradCheck.checkParamJacobian("constant output, unused input", ENGINE, f, x0, new Random(4), 2, 2, "W");
  }

  @Test
  void singleSampleAndEmptyBatch() {
    Graph f = WholeFunctionTest.mlp(5, false);
    GradCheck.checkAll("mlp, B = 1", ENGINE, f, GradCheck.uniform(new Random(6), 1, 16, -1, 1));
    Tensor empty = Tensor.zeros(Shape.of(0, 16));
    assertEquals(Shape.of(8, 0), ENGINE.evaluate(f, empty).shape());
    assertEquals(Shape.of(8, 16, 0), ENGINE.batchedJacobian(f, Backend.forward(), empty).shape());
    assertEquals(Shape.of(8, 16, 0), ENGINE.batchedJacobian(f, Backend.reverse(), empty).shape());
    assertEquals(Shape.of(8, 0), ENGINE.jvp(f, Backend.forward(), empty, empty).shape());
    assertEquals(Shape.of(16, 0), ENGINE.vjp(f, Backend.reverse(), empty, Tensor.zeros(Shape.of(0, 8))).shape());
  }

  @Test
  void fortranOrderAndVectorInputsAreAccepted() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(3));
    b.output("y", b.mul(b.sin(x), b.index(x, 0, 0)));
    Graph f = b.build();
    Tensor xc = GradCheck.uniform(new Random(7), 5, 3, -1, 1);
    // the same memory read as Fortran-order (N, B)
    Tensor xf = xc.view(Shape.of(3, 5), Tensor.Order.F);
    assertArrayEquals(ENGINE.batchedJacobian(f, Backend.forward(), xc).data(),
        ENGINE.batchedJacobian(f, Backend.forward(), xf).data(), 0.0, "x as (B, N) C order vs (N, B) F order");
    // Fortran-order (B, N) is transposed memory; it must give the same values
    Tensor xfb = xc.toF();
    assertArrayEquals(ENGINE.evaluate(f, xc).data(), ENGINE.evaluate(f, xfb).data(), 0.0,
        "x as (B, N) C order vs (B, N) F order");
    GraphBuilder b1 = new GraphBuilder();
    Node t = b1.input("t", Shape.SCALAR);
    b1.output("y", b1.exp(t));
    Graph g = b1.build();
    Tensor flat = Tensor.vector(0.1, 0.2, 0.3);
    Tensor gr = ENGINE.gradient(g, Backend.reverse(), flat);
    for (int s = 0; s < 3; s++) {
      assertEquals(Math.exp(0.1 * (s + 1)), gr.get(0, s), 1e-15, "gradient of exp(t) with x given as (B,)");
    }
  }
}
