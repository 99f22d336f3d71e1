package io.batchjac.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * {@link PreparedOp#runInto(Executor, double[], int, double[], int, double[], double[])}: the
 * derivative with f's values alongside. The derivative is bitwise the one without values, and the
 * values are bitwise {@link PreparedOp#evaluate}'s, whether they come out of the derivative's own
 * pass or from a separate evaluation, for every thread count, chunk size and batch size.
 */
class ValuesAlongsideTest {
  private static final Executor[] EXECUTORS = {new Executor(1, 1 << 16), new Executor(2, 700), new Executor(3, 64)};
  private static final int[] BATCHES = {1, 37, 300};

  /** Runs {@code op} with and without values on random inputs and compares as the class comment says. */
  private static void check(Graph f, PreparedOp op, boolean fromOwnPass, long seed, String what) {
    assertEquals(fromOwnPass, op.valuesFromOwnPass(), what + ": where the values come from");
    PreparedOp eval = PreparedOp.evaluate(f);
    int n = f.inputSize();
    int m = f.outputSize();
    SplittableRandom r = new SplittableRandom(seed);
    for (int batch : BATCHES) {
      double[] x = new double[n * batch];
      for (int i = 0; i < x.length; i++) {
        x[i] = r.nextInt(25) == 0 ? FusionTest.special(r) : r.nextDouble(-1.5, 1.5);
      }
      double[] extra = op.extraWidth() == 0 ? null : new double[op.extraWidth() * batch];
      if (extra != null) {
        for (int i = 0; i < extra.length; i++) {
          extra[i] = r.nextDouble(-1, 1);
        }
      }
      for (Executor ex : EXECUTORS) {
        String config = what + ", B = " + batch + ", " + ex.threads() + " threads";
        double[] expected = op.run(ex, x, n, extra, batch);
        double[] out = new double[expected.length + 3];
        java.util.Arrays.fill(out, 7.0); // stale values where a piece is identically zero get cleared
        double[] values = new double[m * batch + 2];
        values[m * batch + 1] = 5.0;
        op.runInto(ex, x, n, extra, batch, out, values);
        assertArrayEquals(expected, java.util.Arrays.copyOf(out, expected.length), config + ": derivative");
        assertEquals(7.0, out[expected.length], config + ": beyond the batch untouched");
        assertArrayEquals(eval.run(ex, x, n, null, batch), java.util.Arrays.copyOf(values, m * batch), config + ": values");
        assertEquals(5.0, values[m * batch + 1], config + ": beyond the batch untouched");
      }
    }
  }

  @Test
  void mlpOperationsGiveTheirValuesFromTheirOwnPass() {
    Graph mlp = WholeFunctionTest.mlp(41, false);
    Engine.Wrt inputs = Engine.Wrt.inputs();
    check(mlp, PreparedOp.jacobian(mlp, Backend.reverse(), inputs), true, 1, "mlp reverse jacobian");
    check(mlp, PreparedOp.jacobian(mlp, Backend.reverse(3), inputs), true, 2, "mlp reverse(3) jacobian (3 passes)");
    check(mlp, PreparedOp.jacobian(mlp, Backend.forward(5), inputs), true, 3, "mlp forward(5) jacobian (4 passes)");
    check(mlp, PreparedOp.jvp(mlp, inputs), true, 4, "mlp jvp");
    check(mlp, PreparedOp.vjp(mlp, inputs), true, 5, "mlp vjp");
    check(mlp, PreparedOp.jacobian(mlp, Backend.auto(), Engine.Wrt.params("W3", "b1")), true, 6, "mlp jacobian wrt W3, b1");
    Graph scalar = WholeFunctionTest.mlp(42, true);
    check(scalar, PreparedOp.jacobian(scalar, Backend.reverse(), inputs), true, 7, "scalar mlp gradient");
  }

  @Test
  void hessianEvaluateAndRowProgramsEvaluateSeparately() {
    Graph scalar = WholeFunctionTest.mlp(43, true);
    check(scalar, PreparedOp.hessian(scalar, Backend.auto(), Engine.Wrt.inputs()), false, 8, "scalar mlp hessian");
    check(scalar, PreparedOp.evaluate(scalar), false, 9, "scalar mlp evaluate");
    Graph borehole = SpecParser.parseFile(FusionTest.examples().resolve("borehole.fn")).graph();
    check(borehole, PreparedOp.jacobian(borehole, Backend.reverse(), Engine.Wrt.inputs()), false, 10,
        "borehole gradient (a row program)");
  }

  @Test
  void derivativesThatAreIdenticallyZeroStillGiveValues() {
    Graph f = SpecParser.parseInline("input x[3]; param w = [1, 2]; output y = w * 3; output z = sum(x) * w[0]").graph();
    Graph constant = SpecParser.parseInline("input x[2]; param w = [1, 2]; output y = w * 3").graph();
    System.setProperty("batchjac.rowcode", "off"); // closed form: the interpreter, so the values come from the pass
    try {
      check(f, PreparedOp.jacobian(f, Backend.reverse(), Engine.Wrt.params("w")), true, 11, "jacobian wrt w");
      Graph passThrough = SpecParser.parseInline("input x[3]; param w = [1, 2]; output x; output w; output sum(x * x)").graph();
      check(passThrough, PreparedOp.jacobian(passThrough, Backend.reverse(), Engine.Wrt.inputs()), true, 13,
          "outputs that are an input and a parameter themselves (reverse)");
      check(passThrough, PreparedOp.jvp(passThrough, Engine.Wrt.inputs()), true, 14,
          "outputs that are an input and a parameter themselves (jvp)");
      check(constant, PreparedOp.jacobian(constant, Backend.forward(), Engine.Wrt.inputs()), true, 12,
          "a constant function (every derivative piece zero)");
    } finally {
      System.clearProperty("batchjac.rowcode");
    }
  }

  @Test
  void randomSpecs() {
    SplittableRandom r = new SplittableRandom(15);
    for (int t = 0; t < 10; t++) {
      String text = FusionTest.randomSpec(r);
      Graph f = SpecParser.parseInline(text).graph();
      System.setProperty("batchjac.rowcode", "off"); // the interpreter, so the values come from the pass
      try {
        check(f, PreparedOp.jacobian(f, Backend.reverse(), Engine.Wrt.inputs()), true, 20 + t, "spec " + t + " reverse:\n" + text);
        check(f, PreparedOp.jacobian(f, Backend.forward(), Engine.Wrt.inputs()), true, 40 + t, "spec " + t + " forward:\n" + text);
        check(f, PreparedOp.vjp(f, Engine.Wrt.inputs()), true, 60 + t, "spec " + t + " vjp:\n" + text);
      } finally {
        System.clearProperty("batchjac.rowcode");
      }
    }
  }

  @Test
  void aShortValuesBufferIsRefused() {
    Graph mlp = WholeFunctionTest.mlp(44, false);
    PreparedOp op = PreparedOp.vjp(mlp, Engine.Wrt.inputs());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> op.runInto(EXECUTORS[0], new double[32], 16, new double[16], 2, new double[32], new double[15]));
    assertEquals("values buffer holds 15 values, 16 needed", e.getMessage());
  }
}
