package io.batchjac.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.exec.Binding;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.exec.Plan;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Random;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Folded scaled products ({@code A @ (C ⊙ u)} run as {@code (A ⊙ C) @ u}, the plan's
 * {@code ScaledProduct}): the plan drops the scaled directions' step, the results agree with the
 * unfolded plan to rounding, and the fold never happens where it could change a value (a zero
 * direction entry, a strong zero of {@code zmul}, against an infinite scale).
 */
class FoldedProductsTest {
  private static final String PROPERTY = "batchjac.foldScaledProducts";
  private static final int T = 3;
  private static final int P = 5;
  private static final int J = 7;
  private static final int N = 4;

  /** Runs {@code what} with the fold on or off (the property is read at each compilation). */
  private static <R> R withFold(boolean fold, Supplier<R> what) {
    String before = System.getProperty(PROPERTY);
    System.setProperty(PROPERTY, Boolean.toString(fold));
    try {
      return what.get();
    } finally {
      if (before == null) {
        System.clearProperty(PROPERTY);
      } else {
        System.setProperty(PROPERTY, before);
      }
    }
  }

  /**
   * y (T, P, 1) = A @ reshape(c2 ⊙ (C ⊙ u)) with u = 1 / (W @ x): constant directions C (T, J)
   * scaled twice (by the batched u, then by the constant row c2), the chain the AD rules build.
   */
  private static Graph scaled(double[] c) {
    Random r = new Random(5);
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(N));
    Node w = b.constant(GradCheck.gaussian(r, 1, J, N));
    Node u = b.div(b.scalar(1), b.matmul(w, x));
    Node z = b.zmul(b.constant(Tensor.of(Shape.of(T, J), c)), u);
    Node z2 = b.zmul(b.constant(Tensor.of(Shape.of(J), GradCheck.uniform(r, 1, J, 0.5, 1.5).data())), z);
    Node a = b.constant(GradCheck.gaussian(r, 1, P, J));
    b.output("y", b.matmulPrimitive(a, b.reshape(z2, Shape.of(T, J, 1))));
    return b.build();
  }

  private static Plan compile(Graph g, boolean fold) {
    return withFold(fold, () -> Plan.compile(g));
  }

  private static double[] run(Plan p, double[] xs, int batch) {
    double[] ys = new double[batch * T * P];
    new Executor(2, 64).run(p, batch, new Binding[] {Binding.contiguous(xs, 0, N, N)},
        new Binding[] {Binding.contiguous(ys, 0, T * P, T * P)});
    return ys;
  }

  private static double[] directions(Random r) {
    double[] c = new double[T * J];
    for (int i = 0; i < c.length; i++) {
      c[i] = 0.5 + r.nextDouble();
    }
    return c;
  }

  @Test
  void foldedProductDropsTheScaledDirectionsAndAgreesToRounding() {
    Graph g = scaled(directions(new Random(1)));
    Plan folded = compile(g, true);
    Plan unfolded = compile(g, false);
    assertFalse(folded.describe().contains("zmul"), folded.describe());
    assertTrue(unfolded.describe().contains("zmul"), unfolded.describe());
    assertEquals(unfolded.gemmFlopsPerSample(), folded.gemmFlopsPerSample(), "the same GEMM work");
    int batch = 100;
    double[] xs = GradCheck.uniform(new Random(2), batch, N, -1, 1).data();
    double[] a = run(folded, xs, batch);
    double[] b = run(unfolded, xs, batch);
    for (int i = 0; i < a.length; i++) {
      assertEquals(b[i], a[i], 1e-13 * Math.max(1, Math.abs(b[i])), "value " + i);
    }
  }

  @Test
  void aZeroDirectionKeepsItsStrongZeroAgainstAnInfiniteScale() {
    double[] c = directions(new Random(3));
    for (int j = 0; j < J; j++) {
      c[J + j] = 0; // direction t = 1 is zero: its products stay exactly 0 even where u is infinite
    }
    Plan p = compile(scaled(c), true);
    assertTrue(p.describe().contains("zmul"), "not folded: " + p.describe());
    double[] xs = new double[N]; // x = 0: W @ x = 0, u = 1/0 = +inf
    double[] y = run(p, xs, 1);
    for (int i = 0; i < P; i++) {
      assertEquals(0.0, y[P + i], 0.0, "direction 1, row " + i + ": a folded K = A ⊙ 0 would give 0 * inf = NaN");
      assertTrue(Double.isInfinite(y[i]) || Double.isNaN(y[i]), "direction 0 sees the infinite scale: " + y[i]);
    }
  }

  @Test
  void layerDerivativesOfNetworksAgreeFoldedOrNot() {
    Random rnd = new Random(4);
    Tensor x = GradCheck.uniform(rnd, 300, 16, -1.5, 1.5);
    Graph mlp = WholeFunctionTest.mlp(31, false);
    Tensor xs = GradCheck.uniform(rnd, 300, 8, -2, 2);
    Graph softplus = WholeFunctionTest.softplusNet(21);
    assertClose(withFold(false, () -> newEngine().batchedJacobian(mlp, Backend.reverse(), x)),
        withFold(true, () -> newEngine().batchedJacobian(mlp, Backend.reverse(), x)), "mlp reverse Jacobian");
    assertClose(withFold(false, () -> newEngine().batchedJacobian(mlp, Backend.forward(), x)),
        withFold(true, () -> newEngine().batchedJacobian(mlp, Backend.forward(), x)), "mlp forward Jacobian");
    assertClose(withFold(false, () -> newEngine().hessian(softplus, xs)),
        withFold(true, () -> newEngine().hessian(softplus, xs)), "softplus network Hessian");
  }

  /** A new engine: each has its own cache of compiled operations, compiled under the property now set. */
  private static Engine newEngine() {
    return new Engine(new Executor(2, 1 << 16));
  }

  private static void assertClose(Tensor expected, Tensor actual, String what) {
    double[] e = expected.data();
    double[] a = actual.data();
    assertEquals(e.length, a.length, what);
    double scale = 0;
    for (double v : e) {
      scale = Math.max(scale, Math.abs(v));
    }
    int differ = 0;
    for (int i = 0; i < e.length; i++) {
      assertEquals(e[i], a[i], 1e-13 * scale, what + ", value " + i);
      differ += e[i] == a[i] ? 0 : 1;
    }
    assertTrue(scale > 0, what + ": a non-trivial result");
    System.out.println(what + ": " + differ + " of " + e.length + " values differ in rounding");
  }
}
