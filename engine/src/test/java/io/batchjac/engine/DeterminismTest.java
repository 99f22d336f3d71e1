package io.batchjac.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Tensor;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * Results are bitwise identical whatever the executor's thread count and chunk size (the
 * {@link Engine} contract): jacobian (forward and reverse, default and small direction chunks),
 * jvp, vjp and hessian on the MLP 16 -> 64 -> 64 -> 8 with B = 1000, for threads 1, 2, 3 and
 * {@code chunkDoubles} 64, 1000, 5000 and 65536 (which make chunks from the minimum, one GEMM
 * panel of samples, to the whole batch, and a ragged last chunk).
 */
class DeterminismTest {
  private static final int B = 1000;
  private static final int[] THREADS = {1, 2, 3};
  private static final int[] CHUNK_DOUBLES = {64, 1000, 5000, 1 << 16};

  private static final Graph MLP = WholeFunctionTest.mlp(31, false);
  private static final Graph MLP_SUM = WholeFunctionTest.mlp(31, true);
  private static final Random RND = new Random(32);
  private static final Tensor X = GradCheck.uniform(RND, B, 16, -1.5, 1.5);
  private static final Tensor U = GradCheck.uniform(RND, B, 16, -1, 1);
  private static final Tensor V = GradCheck.uniform(RND, B, 8, -1, 1);

  private static void assertDeterministic(String what, Function<Engine, Tensor> op) {
    double[] reference = null;
    String referenceConfig = null;
    for (int threads : THREADS) {
      for (int chunk : CHUNK_DOUBLES) {
        String config = "threads = " + threads + ", chunkDoubles = " + chunk;
        double[] out = op.apply(new Engine(new Executor(threads, chunk))).data();
        if (reference == null) {
          reference = out;
          referenceConfig = config;
        } else {
          assertArrayEquals(reference, out, what + ": result with " + config + " differs bitwise from " + referenceConfig);
        }
      }
    }
  }

  @Test
  void jacobianForward() {
    assertDeterministic("batchedJacobian forward()", e -> e.batchedJacobian(MLP, Backend.forward(), X));
    assertDeterministic("batchedJacobian forward(5)", e -> e.batchedJacobian(MLP, Backend.forward(5), X));
  }

  @Test
  void jacobianReverse() {
    assertDeterministic("batchedJacobian reverse()", e -> e.batchedJacobian(MLP, Backend.reverse(), X));
    assertDeterministic("batchedJacobian reverse(3)", e -> e.batchedJacobian(MLP, Backend.reverse(3), X));
  }

  @Test
  void jacobianWithRespectToParameters() {
    assertDeterministic("batchedJacobian wrt W3, b3",
        e -> e.batchedJacobian(MLP, Backend.auto(), Engine.Wrt.params("W3", "b3"), X));
  }

  @Test
  void jvp() {
    assertDeterministic("jvp", e -> e.jvp(MLP, Backend.forward(), X, U));
  }

  @Test
  void vjp() {
    assertDeterministic("vjp", e -> e.vjp(MLP, Backend.reverse(), X, V));
  }

  @Test
  void evaluate() {
    assertDeterministic("evaluate", e -> e.evaluate(MLP, X));
  }

  @Test
  void hessian() {
    assertDeterministic("hessian", e -> e.hessian(MLP_SUM, X));
    assertDeterministic("hessian forward(4)", e -> e.hessian(MLP_SUM, Backend.forward(4), Engine.Wrt.inputs(), X));
  }
}
