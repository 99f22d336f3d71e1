package io.batchjac.engine.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;

/** The engine compiles an operation once per (function, operation, backend, leaves) and reuses it. */
class PreparedOpsTest {
  private static final Graph F = SpecParser.parseInline("input x[2]; param a = 3; output a * x[0] * sin(x[1])").graph();
  private static final Tensor X = Tensor.of(Shape.of(2, 2), new double[] {1, 2, 3, 4});

  @Test
  void repeatedCallsCompileOnce() {
    Engine e = Engine.defaults();
    for (int i = 0; i < 5; i++) {
      e.batchedJacobian(F, Backend.auto(), X);
      e.gradient(F, Backend.auto(), X); // the same compiled Jacobian
      e.evaluate(F, X);
      e.reduced(Reduce.SUM).evaluate(F, X); // a reduced view shares the cache
    }
    assertEquals(2, e.compilations());
    e.batchedJacobian(F, Backend.forward(), X);
    e.batchedJacobian(F, Backend.auto(), Engine.Wrt.params("a"), X);
    e.hessian(F, X);
    assertEquals(5, e.compilations());
    assertSame(e.prepare(F, Operation.VJP, Backend.auto(), Engine.Wrt.inputs()),
        e.prepare(F, Operation.VJP, Backend.auto(), Engine.Wrt.inputs()));
    assertEquals(6, e.compilations());
    // asked for by name (the SQL gradient, the Transformer's mode gradient): still the Jacobian compiled above
    assertSame(e.prepare(F, Operation.JACOBIAN, Backend.auto(), Engine.Wrt.inputs()),
        e.prepare(F, Operation.GRADIENT, Backend.auto(), Engine.Wrt.inputs()));
    assertEquals(6, e.compilations());
    // f's values depend on neither backend nor leaves: evaluate asked for with others is the one compiled above
    assertSame(e.prepare(F, Operation.EVALUATE, Backend.auto(), Engine.Wrt.inputs()),
        e.prepare(F, Operation.EVALUATE, Backend.forward(3), Engine.Wrt.params("a")));
    assertEquals(6, e.compilations());
  }

  @Test
  void aDifferentFunctionObjectCompilesAgainAndValidationRunsOnEveryCall() {
    Engine e = Engine.defaults();
    Graph two = SpecParser.parseInline("input x[2]; output x * 2").graph();
    e.evaluate(F, X);
    e.evaluate(SpecParser.parseInline("input x[2]; param a = 3; output a * x[0] * sin(x[1])").graph(), X);
    assertEquals(2, e.compilations());
    e.evaluate(two, X);
    for (int i = 0; i < 2; i++) {
      IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> e.gradient(two, Backend.auto(), X));
      assertEquals("gradient needs a function with exactly one output value, but f has 2 (outputs [[2]])", err.getMessage());
    }
  }

  @Test
  void threadsAskingAtOnceCompileOnce() throws Exception {
    Engine e = Engine.defaults();
    Graph g = SpecParser.parseInline("input x[2]; output tanh(x) * 2").graph();
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      java.util.List<java.util.concurrent.Future<Tensor>> fs = new java.util.ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(pool.submit(() -> e.batchedJacobian(g, Backend.auto(), X)));
      }
      for (java.util.concurrent.Future<Tensor> f : fs) {
        assertEquals(fs.get(0).get().get(0, 0, 1), f.get().get(0, 0, 1), 0.0);
      }
    } finally {
      pool.shutdown();
    }
    assertEquals(1, e.compilations());
  }

  /**
   * runInto into a buffer holding garbage gives run's values, whether the result is dense (every
   * value written, the buffer not cleared first) or has identically zero pieces (cleared first),
   * forward and reverse, and leaves the values past the batch alone.
   */
  @Test
  void runIntoADirtyBufferGivesRunsValues() {
    Graph dense = SpecParser.parseInline("input x[3]; output [x[0] * x[1], sin(x[2]) + x[0]]").graph();
    // reverse mode: y's cotangent is identically zero, so no pass writes its column
    Graph sparse = SpecParser.parseInline("input x[2]; input y; output [x[0] * x[1], 2.5, x[0] * x[0]]").graph();
    java.util.Random r = new java.util.Random(3);
    int batch = 37;
    double[] x = new double[3 * batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextGaussian();
    }
    org.junit.jupiter.api.Assertions.assertTrue(PreparedOp.jacobian(dense, Backend.reverse(), Engine.Wrt.inputs()).writesAll());
    org.junit.jupiter.api.Assertions.assertFalse(PreparedOp.jacobian(sparse, Backend.reverse(), Engine.Wrt.inputs()).writesAll());
    for (Graph g : new Graph[] {dense, sparse}) {
      for (Backend b : new Backend[] {Backend.forward(), Backend.reverse()}) {
        PreparedOp op = PreparedOp.jacobian(g, b, Engine.Wrt.inputs());
        io.batchjac.engine.exec.Executor ex = new io.batchjac.engine.exec.Executor(1, 64);
        double[] expected = op.run(ex, x, 3, null, batch);
        double[] out = new double[expected.length + 5];
        java.util.Arrays.fill(out, Double.NaN);
        op.runInto(ex, x, 3, null, batch, out);
        org.junit.jupiter.api.Assertions.assertArrayEquals(expected, java.util.Arrays.copyOf(out, expected.length), 0.0);
        for (int i = expected.length; i < out.length; i++) {
          assertEquals(Double.NaN, out[i], 0.0, "past the batch: untouched");
        }
      }
    }
  }

  @Test
  void operationNamesAndLayouts() {
    assertEquals(Operation.EVALUATE, Operation.parse("eval"));
    assertEquals(Operation.HESSIAN, Operation.parse(" Hessian "));
    IllegalArgumentException err = assertThrows(IllegalArgumentException.class, () -> Operation.parse("jacobean"));
    assertEquals("unknown operation 'jacobean': expected one of [evaluate, jvp, vjp, jacobian, gradient, hessian]",
        err.getMessage());
    assertEquals(12, Operation.JACOBIAN.perSample(3, 4));
    assertEquals(4, Operation.JVP.extraWidth(3, 4));
    assertEquals(3, Operation.VJP.extraWidth(3, 4));
  }
}
