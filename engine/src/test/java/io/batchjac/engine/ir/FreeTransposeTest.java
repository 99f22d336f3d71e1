package io.batchjac.engine.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Engine;
import io.batchjac.engine.exec.Plan;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/**
 * Swapping the last two axes of outer products, of sums of them and of broadcast operands
 * (per-sample weight gradients) moves no element: it is built from reshapes, and the values are
 * bitwise those of a real transpose.
 */
class FreeTransposeTest {
  @Test
  void transposedSumsOfOuterProductsAreReshapesWithTheSameBits() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(3));
    Node y = b.input("y", Shape.of(4));
    Node col = b.reshape(b.sin(x), Shape.of(1, 3, 1));
    Node row = b.reshape(b.cos(y), Shape.of(4));           // a vector broadcast as a row
    Node outer = b.mul(col, row);                           // [1, 3, 4]
    Node other = b.apply(Elementwise.ZMUL, b.reshape(x, Shape.of(3, 1)), b.reshape(y, Shape.of(1, 1, 4)));
    Node sum = b.add(b.reshape(outer, Shape.of(1, 1, 3, 4)), b.reshape(other, Shape.of(1, 3, 4)));
    Node t = b.transpose(sum, 0, 1, 3, 2);
    assertFalse(t.op() instanceof Transpose, "a transpose of outer products is free");
    assertEquals(Shape.of(1, 1, 4, 3), t.shape());
    b.output("t", t);
    b.output("s", sum);
    Graph g = b.build();
    assertFalse(Plan.compile(g).describe().contains("transpose"), Plan.compile(g).describe());
    double[] xs = {0.5, -0.0, 2.0, 0.0, 1.5, Double.NaN, -3.0};
    Tensor in = Tensor.of(Shape.of(1, 7), xs);
    Tensor out = Engine.defaults().evaluate(g, in);
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 4; j++) {
        double direct = out.get(12 + i * 4 + j, 0);
        double viaT = out.get(j * 3 + i, 0);
        assertEquals(Double.doubleToRawLongBits(direct), Double.doubleToRawLongBits(viaT), "[" + i + ", " + j + "]");
      }
    }
    assertTrue(b.transpose(b.reshape(x, Shape.of(1, 3)), 1, 0).op() instanceof Reshape);
  }
}
