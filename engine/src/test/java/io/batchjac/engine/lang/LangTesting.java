package io.batchjac.engine.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;

/** Shared helpers of the function-language tests: evaluate a spec, expect an error. */
final class LangTesting {
  private LangTesting() {}

  static final double TOL = 1e-12;

  /** The outputs (flattened, concatenated) of an inline spec at one sample. */
  static double[] eval(String spec, double... x) {
    return evalGraph(SpecParser.parseInline(spec).graph(), x);
  }

  /** The outputs of a graph at one sample. */
  static double[] evalGraph(Graph g, double... x) {
    return evalBatch(g, new double[][] {x})[0];
  }

  /** The outputs of a graph at each sample (one row per sample, in and out). */
  static double[][] evalBatch(Graph g, double[][] rows) {
    int n = g.inputSize();
    int batch = rows.length;
    double[] data = new double[batch * n];
    for (int s = 0; s < batch; s++) {
      assertEquals(n, rows[s].length, "sample " + s + " length");
      System.arraycopy(rows[s], 0, data, s * n, n);
    }
    Tensor y = Engine.defaults().evaluate(g, Tensor.of(Shape.of(batch, n), data));
    int m = g.outputSize();
    assertEquals(Shape.of(m, batch), y.shape());
    double[][] out = new double[batch][m];
    for (int s = 0; s < batch; s++) {
      for (int k = 0; k < m; k++) {
        out[s][k] = y.get(k, s);
      }
    }
    return out;
  }

  /** Asserts arrays equal to a relative-or-absolute tolerance. */
  static void assertClose(double[] expected, double[] actual) {
    assertEquals(expected.length, actual.length, "length");
    for (int i = 0; i < expected.length; i++) {
      double tol = TOL * Math.max(1, Math.abs(expected[i]));
      assertEquals(expected[i], actual[i], tol, "element " + i);
    }
  }

  /** The SpecException an inline spec raises. */
  static SpecException error(String spec) {
    return assertThrows(SpecException.class, () -> SpecParser.parseInline(spec));
  }

  /** Asserts the full message ({@code <inline>:line:col: problem}) of an inline spec's error. */
  static void assertError(String spec, String message) {
    assertEquals(message, error(spec).getMessage());
  }
}
