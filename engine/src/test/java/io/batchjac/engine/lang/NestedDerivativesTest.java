package io.batchjac.engine.lang;

import static io.batchjac.engine.lang.LangTesting.assertError;
import static io.batchjac.engine.lang.LangTesting.eval;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.GradCheck;
import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The derivative operators of the language (grad, jacobian, jvp, vjp, hessian): closed forms to
 * the fourth order, perturbation confusion, full semantics of u and w, agreement with the
 * engine's own operations, every check of {@link GradCheck} on nested specs, and every error.
 */
class NestedDerivativesTest {
  private static final Engine ENGINE = Engine.defaults();
  private static final double[] XS = {-2.1, -0.7, 0.0, 0.3, 1.25, 2.9};

  private static Graph spec(String text) {
    return SpecParser.parseInline(text).graph();
  }

  private static Tensor column(double... xs) {
    return Tensor.of(Shape.of(xs.length, 1), xs.clone());
  }

  /** The value of a one-input, one-output spec at every x of XS against a closed form. */
  private static void assertValues(String text, DoubleUnaryOperator expected, double rtol) {
    Graph g = spec(text);
    Tensor y = ENGINE.evaluate(g, column(XS));
    for (int b = 0; b < XS.length; b++) {
      double want = expected.applyAsDouble(XS[b]);
      assertEquals(want, y.get(0, b), rtol * Math.max(1, Math.abs(want)), text + " at x = " + XS[b]);
    }
  }

  /** d spec / dx at every x of XS, by every backend, against a closed form; forward == reverse to 1e-13. */
  private static void assertDerivative(String text, DoubleUnaryOperator expected, double rtol) {
    Graph g = spec(text);
    Tensor fwd = ENGINE.batchedJacobian(g, Backend.forward(), column(XS));
    Tensor rev = ENGINE.batchedJacobian(g, Backend.reverse(), column(XS));
    for (int b = 0; b < XS.length; b++) {
      double want = expected.applyAsDouble(XS[b]);
      double f = fwd.get(0, 0, b);
      double r = rev.get(0, 0, b);
      assertEquals(want, f, rtol * Math.max(1, Math.abs(want)), "forward d/dx " + text + " at x = " + XS[b]);
      assertEquals(f, r, 1e-13 * Math.max(1, Math.abs(f)), "forward vs reverse d/dx " + text + " at x = " + XS[b]);
    }
  }

  // ---------------------------------------------------------------- closed forms

  @Test
  void firstDerivativesOfEachOperator() {
    assertValues("input x; output grad(x^3, x)", x -> 3 * x * x, 1e-15);
    assertValues("input x; output jacobian(sin(x) * x, x)", x -> Math.cos(x) * x + Math.sin(x), 1e-15);
    assertValues("input x; output jvp(exp(x), x, 2)", x -> 2 * Math.exp(x), 1e-15);
    assertValues("input x; output vjp(tanh(x), x, 3)", x -> 3 * (1 - Math.tanh(x) * Math.tanh(x)), 1e-15);
    assertValues("input x; output hessian(x^4, x)", x -> 12 * x * x, 1e-15);
  }

  @Test
  void thirdAndFourthDerivativesAreExact() {
    String third = "input x; output grad(grad(grad(exp(x) * sin(x), x), x), x)";
    assertValues(third, x -> 2 * Math.exp(x) * (Math.cos(x) - Math.sin(x)), 1e-14);
    assertDerivative(third, x -> -4 * Math.exp(x) * Math.sin(x), 1e-14);
    // the same orders through the other operators
    assertValues("input x; output jvp(hessian(exp(x) * sin(x), x), x, 1)",
        x -> 2 * Math.exp(x) * (Math.cos(x) - Math.sin(x)), 1e-14);
    assertValues("input x; output hessian(hessian(exp(x) * sin(x), x), x)", x -> -4 * Math.exp(x) * Math.sin(x), 1e-14);
    assertValues("input x; output vjp(jacobian(grad(tanh(x), x), x), x, 1)",
        x -> {
          double t = Math.tanh(x);
          double s = 1 - t * t;
          return -2 * s * s + 4 * t * t * s; // (1 - t^2)'' = d/dx(-2 t s) = -2 s^2 + 4 t^2 s
        }, 1e-13);
  }

  @Test
  void fullSemanticsDifferentiateThroughTangentsAndCotangents() {
    // jvp(x^3, x, x) = 3x^2 * x: its derivative is 9x^2 (Lux.jl drops the term through u: 6x^2)
    assertValues("input x; output jvp(x^3, x, x)", x -> 3 * x * x * x, 1e-15);
    assertDerivative("input x; output jvp(x^3, x, x)", x -> 9 * x * x, 1e-14);
    assertDerivative("input x; output vjp(sin(x), x, x)", x -> Math.cos(x) - x * Math.sin(x), 1e-14);
  }

  @Test
  void noPerturbationConfusion() {
    Graph g = spec("input x; input y; output x * grad(x * y, y)");
    Graph h = spec("input x; input y; output x * grad(x + y, y)");
    double[] xy = {1.5, -0.25, 0.0, 2.0, -3.0, 0.5};
    Tensor in = Tensor.of(Shape.of(3, 2), xy);
    for (Backend backend : new Backend[] {Backend.forward(), Backend.reverse()}) {
      Tensor jg = ENGINE.batchedJacobian(g, backend, in);
      Tensor jh = ENGINE.batchedJacobian(h, backend, in);
      for (int b = 0; b < 3; b++) {
        assertEquals(2 * xy[2 * b], jg.get(0, 0, b), 0, "d/dx x*grad(x*y, y) = 2x");
        assertEquals(0, jg.get(0, 1, b), 0, "d/dy x*grad(x*y, y) = 0");
        assertEquals(1, jh.get(0, 0, b), 0, "d/dx x*grad(x+y, y) = 1");
        assertEquals(0, jh.get(0, 1, b), 0, "d/dy x*grad(x+y, y) = 0");
      }
    }
  }

  @Test
  void derivativeOfAValueThatDoesNotDependOnTheVariableIsZero() {
    LangTesting.assertClose(new double[] {0, 0, 0, 0}, eval("input x; input y[2]; output grad(x^2, y); output jacobian(sin(x), y)", 1, 2, 3));
    LangTesting.assertClose(new double[] {1}, eval("input x; output grad(x, x)", 7));
    LangTesting.assertClose(new double[] {0}, eval("input x; output hessian(3 * x + 1, x)", 7));
  }

  // ---------------------------------------------------------------- against the engine's operations

  @Test
  void jacobianInsideEqualsTheEngineJacobianInBothModes() {
    // reverse inside (M = 2 <= N = 3) and forward inside (M = 6 > N = 2)
    String wide = "param W = [[0.5, -1, 2], [1.5, 0.25, -0.75]]\ninput x[3]\n";
    String tall = "input x[2]\n";
    assertJacobianMatches(wide, "tanh(W @ x)", 3);
    assertJacobianMatches(tall, "concat(sin(x), x * x, exp(x) * x[0])", 2);
  }

  private static void assertJacobianMatches(String prelude, String body, int n) {
    Graph inside = spec(prelude + "output jacobian(" + body + ", x)");
    Graph plain = spec(prelude + "output " + body);
    Tensor x = GradCheck.uniform(new Random(7), 5, n, -1.5, 1.5);
    Tensor value = ENGINE.evaluate(inside, x);
    Tensor j = ENGINE.batchedJacobian(plain, Backend.auto(), x);
    int m = plain.outputSize();
    for (int b = 0; b < 5; b++) {
      for (int i = 0; i < m; i++) {
        for (int k = 0; k < n; k++) {
          double want = j.get(i, k, b);
          assertEquals(want, value.get(i * n + k, b), 1e-14 * Math.max(1, Math.abs(want)),
              body + ": J[" + i + ", " + k + "] at sample " + b);
        }
      }
    }
  }

  @Test
  void hessianAndGradInsideEqualTheEngineOperations() {
    String f = "input x[3]\nparam c = [1, -2, 0.5]\ny = log(1 + exp(c * x)) \n";
    Graph h = spec(f + "output hessian(sum(y * x), x)");
    Graph gr = spec(f + "output grad(sum(y * x), x)");
    Graph plain = spec(f + "output sum(y * x)");
    Tensor x = GradCheck.uniform(new Random(3), 4, 3, -2, 2);
    Tensor hv = ENGINE.evaluate(h, x);
    Tensor gv = ENGINE.evaluate(gr, x);
    Tensor hh = ENGINE.hessian(plain, x);
    Tensor gg = ENGINE.gradient(plain, Backend.reverse(), x);
    for (int b = 0; b < 4; b++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(gg.get(i, b), gv.get(i, b), 1e-14 * Math.max(1, Math.abs(gg.get(i, b))), "grad " + i);
        for (int k = 0; k < 3; k++) {
          double want = hh.get(i, k, b);
          assertEquals(want, hv.get(i * 3 + k, b), 1e-13 * Math.max(1, Math.abs(want)), "H[" + i + ", " + k + "]");
        }
      }
    }
  }

  @Test
  void derivativesWithRespectToParamsAreDifferentiatedByWrtParams() {
    // the gradient of a physics-style residual with respect to weights: d/dW [ (d/dx sum(tanh(W x)))^2 ]
    String text = """
        param W = [[0.3, -0.8], [1.1, 0.4], [-0.6, 0.9]]
        param v = [0.7, -1.2, 0.5]
        input x[2]
        u = v @ tanh(W @ x)
        r = sum(grad(u, x))
        output r * r
        """;
    Graph g = spec(text);
    Tensor x = GradCheck.uniform(new Random(11), 6, 2, -1, 1);
    GradCheck.checkParamJacobian("residual wrt W", ENGINE, g, x, new Random(12), 3, 3, "W");
    GradCheck.checkForwardEqualsReverse("residual wrt W, v", ENGINE, g, x, "W", "v");
  }

  @Test
  void nestedSpecsPassEveryGradientCheck() {
    String[] specs = {
        "input x; input y; output x * grad(x * y, y) + jvp(sin(x * y), y, x)",
        "input x[2]; output vjp(x * exp(x), x, sin(x)); output hessian(sum(x^3) * x[0], x)",
        "input x[3]; param W = [[1, 2, 0.5], [0.2, -1, 0.3]]; output sum(jacobian(tanh(W @ x), x)^2)",
        "input a; input b; output grad(grad(a^2 * sin(b) + a * b^3, b), a)",
    };
    for (String s : specs) {
      Graph g = spec(s);
      GradCheck.checkAll(s, ENGINE, g, GradCheck.uniform(new Random(s.hashCode()), 4, g.inputSize(), -1.2, 1.2));
    }
  }

  // ---------------------------------------------------------------- errors

  @Test
  void errorsNameWhatIsAllowedAndWhatWasFound() {
    assertError("input x\nh = x * 2\noutput grad(h^2, h)",
        "<inline>:3:18: grad: expected the name of an input, a param or a model's param (NAME.P) to differentiate with respect to"
            + " but 'h' is a binding (a computed value); differentiate with respect to the input or param it is computed from");
    assertError("input x\noutput grad(x^2, x * 2)",
        "<inline>:2:20: grad: expected the name of an input, a param or a model's param (NAME.P) to differentiate with respect to"
            + " but found an expression ('*'); differentiate with respect to the input or param it is computed from");
    assertError("input x\noutput grad(x^2, pi)",
        "<inline>:2:18: grad: expected the name of an input, a param or a model's param (NAME.P) to differentiate with respect to"
            + " but found the built-in constant 'pi'");
    assertError("input x[2]\noutput grad(x * 2, x)",
        "<inline>:2:8: grad: the differentiated value must be a scalar, but it has shape [2] (use jacobian for a non-scalar value)");
    assertError("input x[2]\noutput hessian(x, x)",
        "<inline>:2:8: hessian: the differentiated value must be a scalar, but it has shape [2]");
    assertError("input x[2]\ninput t\noutput jvp(sin(x), x, t)",
        "<inline>:3:8: jvp: the tangent has shape [] but it must have the shape of input 'x', [2]");
    assertError("input x[2]\noutput vjp(sum(x), x, x)",
        "<inline>:2:8: vjp: the cotangent has shape [2] but it must have the shape of the differentiated value, []");
    assertError("input x\noutput grad(x^2)",
        "<inline>:2:8: grad expects 2 arguments (grad(e, v): e a scalar, v an input or param) but found 1");
    assertError("input x\noutput jvp(x^2, x)",
        "<inline>:2:8: jvp expects 3 arguments (jvp(e, v, u): v an input or param, u shaped like v) but found 2");
    assertError("input x\noutput grad(x^2, z)", "<inline>:2:18: unknown name 'z'");
  }
}
