package io.batchjac.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Arrays;
import java.util.function.BiFunction;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The derivative conventions at kinks (docs/language.md, "Derivatives"), checked exactly rather than by finite
 * differences: {@code relu'(0) = 0}, {@code abs'(0) = 0}, {@code sign' = 0}, {@code max}/{@code min}
 * pass the derivative to the first argument on ties, and {@code where} passes it to the chosen
 * branch only. Every derivative is checked in forward mode, reverse mode, as a JVP and as a VJP.
 */
class KinkConventionsTest {
  private static final Engine ENGINE = Engine.defaults();

  /** f(x) with x of n values per sample, at the given samples. */
  private static Graph unary(int n, BiFunction<GraphBuilder, Node, Node> body) {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(n));
    b.output("y", body.apply(b, x));
    return b.build();
  }

  private static Tensor samples(double[]... rows) {
    int n = rows[0].length;
    double[] d = new double[rows.length * n];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(rows[i], 0, d, i * n, n);
    }
    return GradCheck.batch(rows.length, n, d);
  }

  /**
   * Asserts that the per-sample Jacobian of f is exactly {@code expected[b]} (row-major M x N) in
   * forward mode, reverse mode, and through jvp along each basis vector and vjp along each basis
   * cotangent.
   */
  private static void assertJacobianExactly(String what, Graph f, Tensor x, double[][] expected) {
    int n = f.inputSize();
    int m = f.outputSize();
    int batch = x.shape().dim(0);
    for (Backend be : new Backend[] {Backend.forward(), Backend.reverse(), Backend.forward(1), Backend.reverse(1)}) {
      Tensor j = ENGINE.batchedJacobian(f, be, x);
      for (int b = 0; b < batch; b++) {
        for (int r = 0; r < m; r++) {
          for (int c = 0; c < n; c++) {
            assertEquals(expected[b][r * n + c], j.get(r, c, b), 0.0,
                what + ": Jacobian " + be + " at sample " + b + " " + Arrays.toString(row(x, b)) + ", [" + r + ", " + c + "]");
          }
        }
      }
    }
    for (int c = 0; c < n; c++) {
      double[] u = new double[batch * n];
      for (int b = 0; b < batch; b++) {
        u[b * n + c] = 1;
      }
      Tensor ju = ENGINE.jvp(f, Backend.forward(), x, GradCheck.batch(batch, n, u));
      for (int b = 0; b < batch; b++) {
        for (int r = 0; r < m; r++) {
          assertEquals(expected[b][r * n + c], ju.get(r, b), 0.0,
              what + ": jvp(e_" + c + ") at sample " + b + " " + Arrays.toString(row(x, b)) + ", output " + r);
        }
      }
    }
    for (int r = 0; r < m; r++) {
      double[] v = new double[batch * m];
      for (int b = 0; b < batch; b++) {
        v[b * m + r] = 1;
      }
      Tensor jtv = ENGINE.vjp(f, Backend.reverse(), x, GradCheck.batch(batch, m, v));
      for (int b = 0; b < batch; b++) {
        for (int c = 0; c < n; c++) {
          assertEquals(expected[b][r * n + c], jtv.get(c, b), 0.0,
              what + ": vjp(e_" + r + ") at sample " + b + " " + Arrays.toString(row(x, b)) + ", input " + c);
        }
      }
    }
  }

  private static double[] row(Tensor x, int b) {
    int n = x.shape().dim(1);
    return Arrays.copyOfRange(x.data(), b * n, (b + 1) * n);
  }

  @Test
  void reluHasZeroDerivativeAtZero() {
    Graph f = unary(3, (b, v) -> b.unary("relu", v));
    Tensor x = samples(new double[] {0, 1.5, -2}, new double[] {-0.0, 0, 1e-300});
    assertJacobianExactly("relu", f, x, new double[][] {
        {0, 0, 0, 0, 1, 0, 0, 0, 0},
        {0, 0, 0, 0, 0, 0, 0, 0, 1}});
    Graph s = unary(3, (b, v) -> b.sumAll(b.unary("relu", v)));
    PrimitiveTableTest.assertAllZero("hessian of sum(relu(x)) at 0", ENGINE.hessian(s, x));
  }

  @Test
  void absHasZeroDerivativeAtZero() {
    Graph f = unary(3, (b, v) -> b.unary("abs", v));
    Tensor x = samples(new double[] {0, 1.5, -2}, new double[] {-0.0, -1e-300, 1e-300});
    assertJacobianExactly("abs", f, x, new double[][] {
        {0, 0, 0, 0, 1, 0, 0, 0, -1},
        {0, 0, 0, 0, -1, 0, 0, 0, 1}});
    Graph s = unary(3, (b, v) -> b.sumAll(b.unary("abs", v)));
    PrimitiveTableTest.assertAllZero("hessian of sum(abs(x)) at 0", ENGINE.hessian(s, x));
  }

  @Test
  void signHasZeroDerivativeEverywhere() {
    Graph f = unary(3, (b, v) -> b.sign(v));
    Tensor x = samples(new double[] {0, 1.5, -2}, new double[] {-0.0, -1e-300, 1e-300});
    assertJacobianExactly("sign", f, x, new double[2][9]);
    Graph s = unary(3, (b, v) -> b.sumAll(b.mul(b.sign(v), v)));
    // d/dx (sign(x) * x) = sign(x) (the sign factor is a constant for AD)
    assertJacobianExactly("sum(sign(x) * x)", s, x, new double[][] {{0, 1, -1}, {0, -1, 1}});
  }

  @Test
  void maxPassesTheDerivativeToTheFirstArgumentOnTies() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("a", Shape.SCALAR);
    Node y = b.input("b", Shape.SCALAR);
    b.output("m", b.binary("max", x, y));
    Graph f = b.build();
    Tensor xs = samples(new double[] {1, 1}, new double[] {0, -0.0}, new double[] {2, 1}, new double[] {1, 2});
    assertJacobianExactly("max(a, b)", f, xs, new double[][] {{1, 0}, {1, 0}, {1, 0}, {0, 1}});
  }

  @Test
  void minPassesTheDerivativeToTheFirstArgumentOnTies() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("a", Shape.SCALAR);
    Node y = b.input("b", Shape.SCALAR);
    b.output("m", b.binary("min", x, y));
    Graph f = b.build();
    Tensor xs = samples(new double[] {1, 1}, new double[] {0, -0.0}, new double[] {2, 1}, new double[] {1, 2});
    assertJacobianExactly("min(a, b)", f, xs, new double[][] {{1, 0}, {1, 0}, {0, 1}, {1, 0}});
  }

  @Test
  void maxAndMinTiesWithBroadcasting() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("a", Shape.of(2));
    Node y = b.input("b", Shape.SCALAR);
    b.output("max", b.binary("max", x, y));
    b.output("min", b.binary("min", y, x));
    Graph f = b.build();
    // a = (3, 3), b = 3: every pair ties; max(a, b) follows a, min(b, a) follows b
    Tensor xs = samples(new double[] {3, 3, 3});
    assertJacobianExactly("max(a[2], b), min(b, a[2])", f, xs, new double[][] {
        {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1}});
  }

  @Test
  void wherePassesTheDerivativeToTheChosenBranchOnly() {
    // where(x > 0, x^2, 3x): 2x where x > 0, else 3
    Graph f = unary(3, (b, x) -> b.where(b.gt(x, b.scalar(0)), b.mul(x, x), b.mul(b.scalar(3), x)));
    Tensor x = samples(new double[] {2, -1, 0});
    assertJacobianExactly("where(x > 0, x^2, 3x)", f, x, new double[][] {{4, 0, 0, 0, 3, 0, 0, 0, 3}});
  }

  /**
   * {@code where(x > 0, sqrt(x), 0)} at x = -1 and x = 0: the unchosen branch has derivative
   * NaN (at -1) and +inf (at 0); the convention is that it receives exactly zero, so the
   * derivative is 0 in every mode. Forward mode selects between the branches' tangents.
   */
  @Test
  void whereDoesNotLeakNaNFromTheUnchosenBranchInForwardMode() {
    Graph f = unary(1, (b, x) -> b.where(b.gt(x, b.scalar(0)), b.sqrt(x), b.scalar(0)));
    Tensor x = samples(new double[] {-1}, new double[] {0}, new double[] {4});
    Tensor jf = ENGINE.batchedJacobian(f, Backend.forward(), x);
    assertEquals(0.0, jf.get(0, 0, 0), 0.0, "forward d/dx where(x > 0, sqrt(x), 0) at x = -1");
    assertEquals(0.0, jf.get(0, 0, 1), 0.0, "forward d/dx where(x > 0, sqrt(x), 0) at x = 0");
    assertEquals(0.25, jf.get(0, 0, 2), 0.0, "forward d/dx where(x > 0, sqrt(x), 0) at x = 4");
    Tensor ju = ENGINE.jvp(f, Backend.forward(), x, samples(new double[] {1}, new double[] {1}, new double[] {1}));
    assertEquals(0.0, ju.get(0, 0), 0.0, "jvp at x = -1");
    assertEquals(0.0, ju.get(0, 1), 0.0, "jvp at x = 0");
  }

  /**
   * {@code where(x != 0, 1 / x, 0)} and {@code where(x != 0, x / x^3, 0)} at x = 0: the unchosen
   * quotients divide by zero; the rules of {@code /} divide (co)tangents with the strong-zero
   * quotient {@code zdiv}, so the zero the unchosen branch receives stays zero in every mode and
   * in the Hessian.
   */
  @Test
  void whereDoesNotLeakInfinityFromAnUnchosenQuotient() {
    Graph f = unary(1, (b, x) -> b.where(b.apply(Elementwise.NE, x, b.scalar(0)), b.div(b.scalar(1), x), b.scalar(0)));
    Graph g = unary(1, (b, x) -> b.where(b.apply(Elementwise.NE, x, b.scalar(0)), b.div(x, b.mul(x, b.mul(x, x))), b.scalar(0)));
    Tensor x = samples(new double[] {0}, new double[] {2});
    double[] second = {0.25, 0.375}; // (1/x)'' = 2/x^3 and (1/x^2)'' = 6/x^4 at x = 2
    List<Graph> graphs = List.of(f, g);
    for (int k = 0; k < graphs.size(); k++) {
      Graph h = graphs.get(k);
      for (Backend be : new Backend[] {Backend.forward(), Backend.reverse()}) {
        Tensor j = ENGINE.batchedJacobian(h, be, x);
        assertEquals(0.0, j.get(0, 0, 0), 0.0, be + " derivative at x = 0");
        assertEquals(-0.25, j.get(0, 0, 1), 1e-15, be + " derivative at x = 2"); // -1/x^2 and -2/x^3
      }
      Tensor hess = ENGINE.hessian(h, x);
      assertEquals(0.0, hess.get(0, 0, 0), 0.0, "hessian at x = 0");
      assertEquals(second[k], hess.get(0, 0, 1), 1e-15, "hessian at x = 2");
    }
  }

  /** The "double where" workaround gives exact zeros in every mode. */
  @Test
  void doubleWhereIsExactInEveryMode() {
    Graph f = unary(1, (b, x) -> {
      Node pos = b.gt(x, b.scalar(0));
      return b.where(pos, b.sqrt(b.where(pos, x, b.scalar(1))), b.scalar(0));
    });
    Tensor x = samples(new double[] {-1}, new double[] {0}, new double[] {4});
    assertJacobianExactly("where(x > 0, sqrt(where(x > 0, x, 1)), 0)", f, x, new double[][] {{0}, {0}, {0.25}});
    Tensor h = ENGINE.hessian(f, x);
    assertEquals(0.0, h.get(0, 0, 0), 0.0, "hessian at x = -1");
    assertEquals(0.0, h.get(0, 0, 1), 0.0, "hessian at x = 0");
    assertEquals(-1.0 / 32, h.get(0, 0, 2), 0.0, "hessian at x = 4");
  }

  /**
   * The same in reverse mode and for the Hessian (forward over reverse): the cotangent that
   * {@code where} passes to the unchosen branch is exactly 0, and the branch's VJP rule multiplies
   * it by {@code sqrt'(x)} (NaN at x = -1, +inf at x = 0) with the strong-zero product
   * {@code zmul}, so it stays 0 (JAX and PyTorch give NaN here and need the "double where").
   */
  @Test
  void whereDoesNotLeakNaNFromTheUnchosenBranchInReverseMode() {
    Graph f = unary(1, (b, x) -> b.where(b.gt(x, b.scalar(0)), b.sqrt(x), b.scalar(0)));
    Tensor x = samples(new double[] {-1}, new double[] {0}, new double[] {4});
    Tensor jr = ENGINE.batchedJacobian(f, Backend.reverse(), x);
    assertEquals(0.0, jr.get(0, 0, 0), 0.0, "reverse d/dx where(x > 0, sqrt(x), 0) at x = -1");
    assertEquals(0.0, jr.get(0, 0, 1), 0.0, "reverse d/dx where(x > 0, sqrt(x), 0) at x = 0");
    assertEquals(0.25, jr.get(0, 0, 2), 0.0, "reverse d/dx where(x > 0, sqrt(x), 0) at x = 4");
    Tensor h = ENGINE.hessian(f, x);
    assertEquals(0.0, h.get(0, 0, 0), 0.0, "hessian at x = -1");
    assertEquals(0.0, h.get(0, 0, 1), 0.0, "hessian at x = 0");
    assertEquals(-1.0 / 32, h.get(0, 0, 2), 0.0, "hessian at x = 4");
  }
}
