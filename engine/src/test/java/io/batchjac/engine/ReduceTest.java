package io.batchjac.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Reduce;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link Engine#reduced}: the sum and mean over the batch of every operation equal (to rounding)
 * the unreduced result summed over its batch axis, have the per-sample shape, the mean is the sum
 * divided by B bit for bit, the results are bitwise the same for threads 1, 2, 3 and chunk sizes
 * from one GEMM panel to the whole block, and large per-sample results go in small blocks.
 * B = 10,000 makes 3 blocks of 4,096 (a partial last one) for every operation below.
 */
class ReduceTest {
  private static final int B = 10_000;
  private static final Graph MLP = WholeFunctionTest.mlp(41, false);
  private static final Graph MLP_SUM = WholeFunctionTest.mlp(41, true);
  private static final Random RND = new Random(42);
  private static final Tensor X = GradCheck.uniform(RND, B, 16, -1.5, 1.5);
  private static final Tensor U = GradCheck.uniform(RND, B, 16, -1, 1);
  private static final Tensor V = GradCheck.uniform(RND, B, 8, -1, 1);
  private static final Engine ENGINE = Engine.defaults();

  /** Checks sum and mean of {@code op} against the unreduced result; returns nothing. */
  private static void assertReduces(String what, Function<Engine, Tensor> op, int... sampleDims) {
    Tensor full = op.apply(ENGINE);
    Tensor sum = op.apply(ENGINE.reduced(Reduce.SUM));
    Tensor mean = op.apply(ENGINE.reduced(Reduce.MEAN));
    assertEquals(Shape.of(sampleDims), sum.shape(), what + ": shape of the sum");
    assertEquals(Shape.of(sampleDims), mean.shape(), what + ": shape of the mean");
    assertEquals(Tensor.Order.F, sum.order(), what);
    int per = sum.size();
    assertEquals((long) per * B, full.size(), what + ": the unreduced result has B blocks of the reduced size");
    double[] f = full.data();
    for (int j = 0; j < per; j++) {
      double naive = 0;
      double scale = 0;
      for (int b = 0; b < B; b++) {
        naive += f[b * per + j];
        scale += Math.abs(f[b * per + j]);
      }
      double tol = 1e-13 * scale + 1e-300;
      int jj = j;
      assertEquals(naive, sum.data()[j], tol, () -> what + ": sum of value " + jj);
      assertEquals(sum.data()[j] / B, mean.data()[j], 0.0, () -> what + ": the mean is the sum / B, rounded once");
    }
    assertTrue(java.util.Arrays.stream(sum.data()).anyMatch(v -> v != 0), what + ": something was summed");
  }

  @Test
  void everyOperationReducesToTheSumOfItsPerSampleResults() {
    assertReduces("evaluate", e -> e.evaluate(MLP, X), 8);
    assertReduces("jvp", e -> e.jvp(MLP, Backend.forward(), X, U), 8);
    assertReduces("vjp", e -> e.vjp(MLP, Backend.reverse(), X, V), 16);
    assertReduces("jacobian forward", e -> e.batchedJacobian(MLP, Backend.forward(), X), 8, 16);
    assertReduces("jacobian reverse(3)", e -> e.batchedJacobian(MLP, Backend.reverse(3), X), 8, 16);
    assertReduces("jacobian wrt b2, b3", e -> e.batchedJacobian(MLP, Backend.auto(), Engine.Wrt.params("b2", "b3"), X),
        8, 64 + 8);
    assertReduces("gradient", e -> e.gradient(MLP_SUM, Backend.reverse(), X), 16);
    assertReduces("gradient wrt b1", e -> e.gradient(MLP_SUM, Backend.reverse(), Engine.Wrt.params("b1"), X), 64);
    assertReduces("hessian", e -> e.hessian(MLP_SUM, X), 16, 16);
  }

  @Test
  void resultsAreBitwiseTheSameForAnyThreadCountAndChunkSize() {
    assertDeterministic("jacobian", e -> e.batchedJacobian(MLP, Backend.auto(), X));
    assertDeterministic("jvp", e -> e.jvp(MLP, Backend.forward(), X, U));
    assertDeterministic("vjp", e -> e.vjp(MLP, Backend.reverse(), X, V));
    assertDeterministic("hessian", e -> e.hessian(MLP_SUM, X));
  }

  private static void assertDeterministic(String what, Function<Engine, Tensor> op) {
    double[] reference = null;
    for (int threads : new int[] {1, 2, 3}) {
      for (int chunk : new int[] {64, 5000, 1 << 16}) {
        Engine e = new Engine(new Executor(threads, chunk)).reduced(Reduce.MEAN);
        double[] out = op.apply(e).data();
        if (reference == null) {
          reference = out;
        } else {
          String config = "threads = " + threads + ", chunkDoubles = " + chunk;
          assertArrayEquals(reference, out, what + ": mean with " + config + " differs bitwise from threads = 1, chunkDoubles = 64");
        }
      }
    }
  }

  @Test
  void largeResultsAreSummedInSmallBlocks() {
    // y = w * t with 65,536 outputs, N = 1: blocks of 16 samples (8 MiB of Jacobians), 7 of them
    // for 100 samples, the last partial; unreduced the batch could hold at most 32,767 samples
    int m = 1 << 16;
    int batch = 100;
    double[] w = new double[m];
    for (int i = 0; i < m; i++) {
      w[i] = i % 7 - 3;
    }
    GraphBuilder b = new GraphBuilder();
    Node t = b.input("t", Shape.SCALAR);
    b.output("y", b.mul(b.param("w", Tensor.vector(w)), t));
    Graph f = b.build();
    Tensor x = Tensor.of(Shape.of(batch), new double[batch]);
    Tensor j = ENGINE.reduced(Reduce.SUM).batchedJacobian(f, Backend.forward(), x);
    assertEquals(Shape.of(m, 1), j.shape());
    for (int i = 0; i < m; i++) {
      assertEquals(batch * w[i], j.data()[i], 0.0, "d y_" + i + " / dt summed over the batch");
    }
  }

  @Test
  void theSumOfNoSamplesIsZeroAndTheirMeanAnError() {
    Tensor none = Tensor.of(Shape.of(0, 16), new double[0]);
    Tensor sum = ENGINE.reduced(Reduce.SUM).batchedJacobian(MLP, Backend.auto(), none);
    assertArrayEquals(new double[8 * 16], sum.data());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ENGINE.reduced(Reduce.MEAN).evaluate(MLP, none));
    assertEquals("the mean over 0 samples is undefined: give at least one sample (or reduce with sum)", e.getMessage());
  }

  @Test
  void theReducedEngineKeepsTheChecksAndTheExecutorOfItsEngine() {
    Engine mean = ENGINE.reduced(Reduce.MEAN);
    assertSame(ENGINE.executor(), mean.executor());
    assertEquals(Reduce.MEAN, mean.reduction());
    assertNull(ENGINE.reduction());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> mean.jvp(MLP, Backend.reverse(), X, U));
    assertTrue(e.getMessage().startsWith("jvp runs in forward mode"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> mean.vjp(MLP, Backend.reverse(), X, U));
    assertTrue(e.getMessage().contains("v (cotangent) has shape"), e.getMessage());
    long before = ENGINE.gemmFlopsExecuted();
    mean.evaluate(MLP, X);
    assertTrue(ENGINE.gemmFlopsExecuted() > before, "the reduced engine counts into its engine's GEMM flops");
  }

  @Test
  void reductionsAreParsedByName() {
    assertEquals(Reduce.SUM, Reduce.parse("sum"));
    assertEquals(Reduce.MEAN, Reduce.parse("MEAN"));
    assertEquals("mean", Reduce.MEAN.cliName());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Reduce.parse("max"));
    assertEquals("unknown reduction 'max': expected sum or mean", e.getMessage());
  }
}
