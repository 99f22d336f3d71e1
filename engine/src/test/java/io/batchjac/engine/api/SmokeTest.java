package io.batchjac.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SmokeTest {
  static Tensor randn(Random r, int... dims) {
    Shape s = Shape.of(dims);
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = r.nextGaussian() * 0.5;
    }
    return Tensor.of(s, d);
  }

  @Test
  void mlpJacobianForwardReverseFd() {
    Random r = new Random(1);
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(4));
    Node w1 = b.param("W1", randn(r, 5, 4));
    Node b1 = b.param("b1", randn(r, 5));
    Node w2 = b.param("W2", randn(r, 3, 5));
    Node h = b.tanh(b.add(b.matmul(w1, x), b1));
    b.output("y", b.matmul(w2, h));
    Graph f = b.build();
    int batch = 7;
    Tensor xs = randn(r, batch, 4);
    Engine e = Engine.defaults();
    Tensor jf = e.batchedJacobian(f, Backend.forward(), xs);
    Tensor jr = e.batchedJacobian(f, Backend.reverse(), xs);
    Tensor jf2 = e.batchedJacobian(f, Backend.forward(3), xs);
    Tensor jr2 = e.batchedJacobian(f, Backend.reverse(2), xs);
    double h0 = 1e-6;
    for (int s = 0; s < batch; s++) {
      for (int n = 0; n < 4; n++) {
        double[] xp = xs.data().clone();
        double[] xm = xs.data().clone();
        xp[s * 4 + n] += h0;
        xm[s * 4 + n] -= h0;
        Tensor yp = e.evaluate(f, Tensor.of(Shape.of(batch, 4), xp));
        Tensor ym = e.evaluate(f, Tensor.of(Shape.of(batch, 4), xm));
        for (int m = 0; m < 3; m++) {
          double fd = (yp.get(m, s) - ym.get(m, s)) / (2 * h0);
          assertEquals(fd, jf.get(m, n, s), 1e-7, "fwd m=" + m + " n=" + n + " s=" + s);
          assertEquals(jf.get(m, n, s), jr.get(m, n, s), 1e-12);
          assertEquals(jf.get(m, n, s), jf2.get(m, n, s), 1e-12);
          assertEquals(jf.get(m, n, s), jr2.get(m, n, s), 1e-12);
        }
      }
    }
  }
}
