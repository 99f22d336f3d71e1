package io.batchjac.udfs;

import static io.batchjac.udfs.TestSupport.gaussian;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Operation;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.FileAccessPolicy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The operations compiled once per spec ({@link io.batchjac.engine.api.PreparedOp}, cached in
 * {@link CompiledSpec}) give the engine facade's results bit for bit, for every operation,
 * backend and batch size (no Spark here).
 */
class PreparedOpTest {
  static Stream<Arguments> specs() {
    return Stream.of(
        Arguments.of("borehole.fn", SpecSource.file(TestSupport.examples().resolve("borehole.fn"), FileAccessPolicy.unrestricted())),
        Arguments.of("ishigami.fn", SpecSource.file(TestSupport.examples().resolve("ishigami.fn"), FileAccessPolicy.unrestricted())),
        Arguments.of("mlp.fn", SpecSource.file(TestSupport.examples().resolve("mlp.fn"), FileAccessPolicy.unrestricted())),
        Arguments.of("scalar_mlp.fn", SpecSource.file(TestSupport.examples().resolve("scalar_mlp.fn"), FileAccessPolicy.unrestricted())),
        Arguments.of("multi", SpecSource.inline(TestSupport.MULTI)),
        Arguments.of("scalar", SpecSource.inline(TestSupport.SCALAR)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void everyOperationEqualsTheEngineBitForBit(String label, SpecSource src) {
    CompiledSpec cs = SpecCache.get(src, TestSupport.TRUSTED);
    Graph f = cs.graph();
    int n = cs.inputSize();
    int m = cs.outputSize();
    Engine engine = TestSupport.engine();
    Random rnd = new Random(label.hashCode());
    for (int b : new int[] {1, 37}) {
      double[] x = label.startsWith("borehole") ? borehole(rnd, b) : gaussian(rnd, b * n);
      double[] u = gaussian(rnd, b * n);
      double[] v = gaussian(rnd, b * m);
      Tensor xt = Tensor.of(Shape.of(b, n), x);
      String at = label + " B=" + b;
      assertArrayEquals(engine.evaluate(f, xt).data(), op(cs, Operation.EVALUATE, Backend.auto()).run(CompiledSpec.ONE_THREAD, x, n, null, b), at + " evaluate");
      assertArrayEquals(engine.jvp(f, Backend.auto(), xt, Tensor.of(Shape.of(b, n), u)).data(),
          op(cs, Operation.JVP, Backend.auto()).run(CompiledSpec.ONE_THREAD, x, n, u, b), at + " jvp");
      assertArrayEquals(engine.vjp(f, Backend.auto(), xt, Tensor.of(Shape.of(b, m), v)).data(),
          op(cs, Operation.VJP, Backend.auto()).run(CompiledSpec.ONE_THREAD, x, n, v, b), at + " vjp");
      for (Backend be : List.of(Backend.auto(), Backend.forward(), Backend.reverse(), Backend.forward(3),
          Backend.reverse(2))) {
        assertArrayEquals(engine.batchedJacobian(f, be, xt).data(), op(cs, Operation.JACOBIAN, be).run(CompiledSpec.ONE_THREAD, x, n, null, b),
            at + " jacobian " + be);
      }
      if (m == 1) {
        assertArrayEquals(engine.gradient(f, Backend.auto(), xt).data(),
            op(cs, Operation.JACOBIAN, Backend.auto()).run(CompiledSpec.ONE_THREAD, x, n, null, b), at + " gradient");
        assertArrayEquals(engine.hessian(f, xt).data(), op(cs, Operation.HESSIAN, Backend.forward()).run(CompiledSpec.ONE_THREAD, x, n, null, b),
            at + " hessian");
        assertArrayEquals(engine.hessian(f, Backend.forward(3), Engine.Wrt.inputs(), xt).data(),
            op(cs, Operation.HESSIAN, Backend.forward(3)).run(CompiledSpec.ONE_THREAD, x, n, null, b), at + " hessian chunk 3");
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("specs")
  void sqlFunctionsOnOneRowEqualTheEngine(String label, SpecSource src) {
    CompiledSpec cs = SpecCache.get(src, TestSupport.TRUSTED);
    Graph f = cs.graph();
    int n = cs.inputSize();
    int m = cs.outputSize();
    Engine engine = TestSupport.engine();
    Random rnd = new Random(7);
    double[] x = label.startsWith("borehole") ? borehole(rnd, 1) : gaussian(rnd, n);
    double[] u = gaussian(rnd, n);
    double[] v = gaussian(rnd, m);
    Tensor xt = Tensor.of(Shape.of(1, n), x);
    assertArrayEquals(engine.evaluate(f, xt).data(), (double[]) SqlFunction.EVALUATE.compute(cs, x, null));
    assertArrayEquals(engine.jvp(f, Backend.auto(), xt, Tensor.of(Shape.of(1, n), u)).data(),
        (double[]) SqlFunction.JVP.compute(cs, x, u));
    assertArrayEquals(engine.vjp(f, Backend.auto(), xt, Tensor.of(Shape.of(1, m), v)).data(),
        (double[]) SqlFunction.VJP.compute(cs, x, v));
    Tensor j = engine.batchedJacobian(f, Backend.auto(), xt);
    double[][] jr = (double[][]) SqlFunction.JACOBIAN.compute(cs, x, null);
    assertEquals(m, jr.length);
    for (int i = 0; i < m; i++) {
      for (int k = 0; k < n; k++) {
        assertEquals(j.get(i, k, 0), jr[i][k], 0.0, "J[" + i + "][" + k + "]");
      }
    }
    if (m == 1) {
      assertArrayEquals(engine.gradient(f, Backend.auto(), xt).data(), (double[]) SqlFunction.GRADIENT.compute(cs, x, null));
      Tensor h = engine.hessian(f, xt);
      double[][] hr = (double[][]) SqlFunction.HESSIAN.compute(cs, x, null);
      for (int i = 0; i < n; i++) {
        for (int k = 0; k < n; k++) {
          assertEquals(h.get(i, k, 0), hr[i][k], 0.0, "H[" + i + "][" + k + "]");
        }
      }
    }
  }

  /** The spec's compiled operation, from its engine's cache (as the SQL functions and the Transformer get it). */
  private static PreparedOp op(CompiledSpec cs, Operation op, Backend backend) {
    return cs.engine().prepare(cs.graph(), op, backend, Engine.Wrt.inputs());
  }

  private static double[] borehole(Random rnd, int b) {
    double[] x = new double[b * 8];
    for (int i = 0; i < b; i++) {
      System.arraycopy(TestSupport.boreholeRow(rnd), 0, x, i * 8, 8);
    }
    return x;
  }
}
