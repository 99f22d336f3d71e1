package io.batchjac.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import org.junit.jupiter.api.Test;

/**
 * Outer products ({@code (p, 1) op (1, q)}, either operand first), which {@link BinaryStep} runs
 * row by row, equal the primitive's scalar definition bitwise, strong zeros, NaN, infinities and
 * signed zeros included, and across chunk sizes.
 */
class OuterProductStepTest {
  private static final double[] SPECIAL = {0.0, -0.0, 1.5, -2.25, Double.NaN, Double.POSITIVE_INFINITY, 3e-300, -7};

  @Test
  void outerProductsEqualTheDefinitionBitwise() {
    for (Binary op : new Binary[] {Elementwise.MUL, Elementwise.ZMUL, Elementwise.ADD, Elementwise.ZDIV}) {
      for (boolean columnFirst : new boolean[] {true, false}) {
        check(op, columnFirst, 3, 5);
      }
    }
  }

  private static void check(Binary op, boolean columnFirst, int p, int q) {
    GraphBuilder g = new GraphBuilder();
    Node a = g.input("a", Shape.of(p));
    Node b = g.input("b", Shape.of(q));
    Node col = g.reshape(a, Shape.of(1, p, 1));
    Node row = g.reshape(b, Shape.of(1, q));
    Node out = columnFirst ? g.apply(op, col, row) : g.apply(op, row, col);
    g.output("o", out);
    Plan plan = Plan.compile(g.build());
    assertTrue(plan.describe().contains("BinaryStep"), plan.describe());
    int batch = 37;
    int width = p + q;
    double[] in = new double[batch * width];
    for (int i = 0; i < in.length; i++) {
      in[i] = SPECIAL[(i * 5 + i / 7) % SPECIAL.length] * (1 + i % 3);
    }
    for (int chunk : new int[] {1, 4, 64}) {
      double[] res = new double[batch * p * q];
      new Executor(2, chunk * (p * q + width)).run(plan, batch,
          new Binding[] {Binding.contiguous(in, 0, width, p), Binding.contiguous(in, p, width, q)},
          new Binding[] {Binding.contiguous(res, 0, p * q, p * q)});
      for (int s = 0; s < batch; s++) {
        for (int i = 0; i < p; i++) {
          for (int j = 0; j < q; j++) {
            double ai = in[s * width + i];
            double bj = in[s * width + p + j];
            double want = columnFirst ? op.fn().applyAsDouble(ai, bj) : op.fn().applyAsDouble(bj, ai);
            int at = s * p * q + i * q + j;
            assertEquals(Double.doubleToRawLongBits(want), Double.doubleToRawLongBits(res[at]),
                op.name() + (columnFirst ? " column op row" : " row op column") + " sample " + s + " [" + i + ", " + j
                    + "]: expected " + want + " but was " + res[at] + " (chunk " + chunk + ")");
          }
        }
      }
    }
  }
}
