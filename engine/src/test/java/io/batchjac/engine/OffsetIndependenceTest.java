package io.batchjac.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.Random;
import java.util.function.BiFunction;
import org.junit.jupiter.api.Test;

/**
 * A sample's result does not depend on which batch it is computed in or where that batch starts:
 * what lets a Spark job cut the batch anywhere (partitions of any size, table partitions) and
 * still write bitwise-identical files. Samples {@code [from, B)} computed on their own must equal
 * the same samples of the full batch, for offsets that are not multiples of the GEMM panel.
 */
class OffsetIndependenceTest {
  private static final int B = 300;
  private static final Graph MLP = WholeFunctionTest.mlp(41, false);
  private static final Graph MLP_SUM = WholeFunctionTest.mlp(41, true);
  private static final Tensor X = GradCheck.uniform(new Random(42), B, 16, -1.5, 1.5);

  private static void check(String what, Graph f, BiFunction<Engine, Tensor, Tensor> op) {
    Engine e = Engine.defaults();
    double[] full = op.apply(e, X).data();
    int per = full.length / B;
    for (int from : new int[] {1, 17, 33, 100, 299}) {
      Tensor part = Tensor.of(Shape.of(B - from, 16), Arrays.copyOfRange(X.data(), from * 16, B * 16));
      double[] got = op.apply(e, part).data();
      assertArrayEquals(Arrays.copyOfRange(full, from * per, B * per), got,
          what + ": samples " + from + ".." + (B - 1) + " computed on their own differ bitwise from the full batch");
    }
  }

  @Test
  void jacobianForwardAndReverse() {
    check("jacobian forward", MLP, (e, x) -> e.batchedJacobian(MLP, Backend.forward(), x));
    check("jacobian reverse", MLP, (e, x) -> e.batchedJacobian(MLP, Backend.reverse(), x));
  }

  @Test
  void evaluateAndHessian() {
    check("evaluate", MLP, (e, x) -> e.evaluate(MLP, x));
    check("hessian", MLP_SUM, (e, x) -> e.hessian(MLP_SUM, x));
  }
}
