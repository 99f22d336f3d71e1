package io.batchjac.engine.exec;

import io.batchjac.engine.math.VecMath;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

/** A batched value built twice (same primitive, same operands) is computed once, and read correctly by both users. */
class PlanSharedValuesTest {
  @Test
  void repeatedValueIsComputedOnceAndOutputsStayRight() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(3));
    Node x0 = b.index(x, 0, 0);
    Node again = b.index(x, 0, 0);                       // the same slice, built twice
    Node y = b.add(b.sin(x0), b.mul(b.sin(again), b.cos(x0)));
    b.output("y", y);
    b.output("s", b.sin(again));                          // an output that is also a shared value
    io.batchjac.engine.ir.Graph g = b.build();
    Plan p = Plan.compile(g, g.outputs().stream().map(io.batchjac.engine.ir.Graph.Output::node).toList(), false);
    // without fusion: slice, sin+cos (one fused step), mul, add: the second slice and both repeated sins are not steps
    assertEquals(4, p.stepCount(), p.describe());
    assertTrue(p.describe().contains("SinCosStep"), p.describe());

    int batch = 100;
    double[] xs = new double[3 * batch];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = 0.01 * i - 1;
    }
    double[] ys = new double[batch];
    double[] ss = new double[batch];
    new Executor(2, 64).run(p, batch, new Binding[] {Binding.contiguous(xs, 0, 3, 3)},
        new Binding[] {Binding.contiguous(ys, 0, 1, 1), Binding.contiguous(ss, 0, 1, 1)});
    for (int s = 0; s < batch; s++) {
      double v = xs[3 * s];
      assertEquals(VecMath.sin(v) + VecMath.sin(v) * VecMath.cos(v), ys[s], 0.0, "sample " + s);
      assertEquals(VecMath.sin(v), ss[s], 0.0, "sample " + s);
    }
  }
}
