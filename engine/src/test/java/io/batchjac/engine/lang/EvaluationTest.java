package io.batchjac.engine.lang;

import static io.batchjac.engine.lang.LangTesting.assertClose;
import static io.batchjac.engine.lang.LangTesting.eval;
import static io.batchjac.engine.lang.LangTesting.evalBatch;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.MoreMath;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Evaluates parsed specs with the engine and compares with plain Java math. */
class EvaluationTest {
  private static final String ABC = "input a; input b; input c\n";

  @Test
  void precedence() {
    assertClose(new double[] {-9}, eval("input x; output -x^2", 3));
    assertClose(new double[] {512}, eval(ABC + "output a^b^c", 2, 3, 2));
    assertClose(new double[] {5}, eval(ABC + "output a - b - c", 10, 3, 2));
    assertClose(new double[] {8}, eval(ABC + "output a / b * c", 12, 3, 2));
    assertClose(new double[] {16}, eval(ABC + "output a + b * c", 10, 3, 2));
    assertClose(new double[] {26}, eval(ABC + "output (a + b) * c", 10, 3, 2));
    assertClose(new double[] {0.25}, eval("input x; output x^-1", 4));
    assertClose(new double[] {9}, eval("input x; output (-x)^2", 3));
    assertClose(new double[] {3}, eval("input x; output - -x", 3));
    assertClose(new double[] {1, 0}, eval(ABC + "output a + 1 < b * 2; output a - b >= c", 1, 2, 5));
    assertClose(new double[] {Math.pow(2, 0.5) * 3}, eval(ABC + "output a^0.5*b", 2, 3, 0));
  }

  @Test
  void matmulIsAtTheLevelOfMultiplication() {
    // W @ x * 2 = (W @ x) * 2, as in Python
    String spec = "param W = [[1, 2], [3, 4]]\ninput x[2]\noutput W @ x * 2\noutput 2 * W @ x";
    assertClose(new double[] {10, 22, 10, 22}, eval(spec, 1, 2));
  }

  @Test
  void indexingAndSlicingOfVectors() {
    String spec = """
        input x[5]
        output x[0]; output x[4]; output x[-1]; output x[-5]
        output x[1:3]; output x[:2]; output x[3:]; output x[-2:]; output x[:-3]; output x[:]
        output x[2 - 1]
        """;
    assertClose(new double[] {10, 14, 14, 10, 11, 12, 10, 11, 13, 14, 13, 14, 10, 11, 10, 11, 12, 13, 14, 11},
        eval(spec, 10, 11, 12, 13, 14));
  }

  @Test
  void indexingOfMatrices() {
    String spec = """
        input A[2, 3]
        output A[1, 2]; output A[-1, -3]; output A[:, 1]; output A[0, :]; output A[1]
        output A[-1, 1:]; output A[:, :2]; output A[0][2]; output transpose(A)[2]
        """;
    double[] a = {1, 2, 3, 4, 5, 6};
    assertClose(new double[] {6, 4, 2, 5, 1, 2, 3, 4, 5, 6, 5, 6, 1, 2, 4, 5, 3, 3, 6}, eval(spec, a));
  }

  @Test
  void matrixProducts() {
    String spec = """
        param W = [[1, 2, 3], [4, 5, 6]]
        input x[3]
        input v[2]
        input A[3, 2]
        output W @ x
        output v @ W
        output W @ A
        output dot(x, x)
        output dot(W, x)
        """;
    double[] x = {1, -1, 2};
    double[] v = {2, 3};
    double[] a = {1, 2, 3, 4, 5, 6};
    double[] expected = {
        1 - 2 + 6, 4 - 5 + 12,
        2 * 1 + 3 * 4, 2 * 2 + 3 * 5, 2 * 3 + 3 * 6,
        1 * 1 + 2 * 3 + 3 * 5, 1 * 2 + 2 * 4 + 3 * 6, 4 * 1 + 5 * 3 + 6 * 5, 4 * 2 + 5 * 4 + 6 * 6,
        6,
        1 - 2 + 6, 4 - 5 + 12};
    assertClose(expected, eval(spec, concat(x, v, a)));
  }

  @Test
  void listLiterals() {
    String spec = """
        input x[2]
        output [1, 2] * x
        output [x[1], x[0], 2 * x[0]]
        output [[x[0], 1], [2, x[1]]]
        output [x, -x]
        output [[1, 2], [3, 4]] @ x
        """;
    assertClose(new double[] {3, 8, 4, 3, 6, 3, 1, 2, 4, 3, 4, -3, -4, 11, 25}, eval(spec, 3, 4));
  }

  @Test
  void loadNpyInCAndFortranOrder(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("w"));
    Npy.write(dir.resolve("w/W.npy"), Tensor.of(Shape.of(2, 3), new double[] {1, 2, 3, 4, 5, 6}));
    // the same matrix stored column-major
    Npy.write(dir.resolve("WF.npy"), Tensor.of(Shape.of(2, 3), new double[] {1, 4, 2, 5, 3, 6}, Tensor.Order.F));
    Npy.write(dir.resolve("b.npy"), Tensor.vector(10, 20));
    Npy.write(dir.resolve("s.npy"), Tensor.scalar(0.5));
    String text = """
        param W = load("w/W.npy")
        param WF = load("WF.npy")
        param b = load("b.npy")
        param s = load("s.npy") * 2
        input x[3]
        output W @ x + b
        output WF @ x * s
        """;
    Graph g = SpecParser.parse(text, "m.fn", dir).graph();
    assertArrayEquals(new double[] {1, 2, 3, 4, 5, 6}, g.param("WF").value().data());
    assertEquals(Shape.of(2, 3), g.param("WF").shape());
    assertArrayEquals(new double[] {1}, g.param("s").value().data());
    assertClose(new double[] {1 + 2 * 2 + 3 * 3 + 10, 4 + 5 * 2 + 6 * 3 + 20, 14, 32},
        LangTesting.evalGraph(g, 1, 2, 3));
  }

  @Test
  void parseFileResolvesLoadNextToTheSpec(@TempDir Path dir) throws Exception {
    Path sub = Files.createDirectories(dir.resolve("specs"));
    Npy.write(sub.resolve("a.npy"), Tensor.vector(1, 2));
    Path fn = sub.resolve("f.fn");
    Files.writeString(fn, "param a = load(\"a.npy\")\ninput x[2]\noutput dot(a, x)\n");
    Spec s = SpecParser.parseFile(fn);
    assertEquals(fn.toString(), s.source());
    assertClose(new double[] {11}, LangTesting.evalGraph(s.graph(), 3, 4));
  }

  private static final String[] UNARY = {"sin", "cos", "tan", "asin", "acos", "atan", "sinh", "cosh",
      "tanh", "exp", "expm1", "log", "log1p", "sqrt", "cbrt", "abs", "sign", "erf", "sigmoid", "relu",
      "softplus"};
  private static final DoubleUnaryOperator[] UNARY_JAVA = {Math::sin, Math::cos, Math::tan, Math::asin,
      Math::acos, Math::atan, Math::sinh, Math::cosh, Math::tanh, Math::exp, Math::expm1, Math::log,
      Math::log1p, Math::sqrt, Math::cbrt, Math::abs, Math::signum, EvaluationTest::erf,
      v -> 1 / (1 + Math.exp(-v)), v -> Math.max(v, 0), v -> Math.log1p(Math.exp(v))};

  /** erf by its Maclaurin series (plenty for |x| < 1). */
  private static double erf(double x) {
    double sum = 0;
    double term = x;
    for (int n = 0; n < 60; n++) {
      sum += term / (2 * n + 1);
      term *= -x * x / (n + 1);
    }
    return 2 / Math.sqrt(Math.PI) * sum;
  }

  @Test
  void everyUnaryFunction() {
    double[] xs = {0.3, -0.7, 0.0};
    for (int i = 0; i < UNARY.length; i++) {
      for (double x : xs) {
        if ((UNARY[i].equals("log") || UNARY[i].equals("sqrt")) && x <= 0) {
          continue;
        }
        double expected = UNARY_JAVA[i].applyAsDouble(x);
        double got = eval("input x; output " + UNARY[i] + "(x)", x)[0];
        assertEquals(expected, got, 1e-14 * Math.max(1, Math.abs(expected)), UNARY[i] + "(" + x + ")");
      }
    }
    assertEquals(0.3286267594591274, eval("input x; output erf(x)", 0.3)[0], 1e-15);
  }

  @Test
  void everyBinaryFunction() {
    String[] names = {"atan2", "pow", "hypot", "min", "max"};
    DoubleBinaryOperator[] java = {Math::atan2, Math::pow, Math::hypot, Math::min, Math::max};
    double[][] points = {{0.3, 0.7}, {-0.4, 0.2}, {2, 2}};
    for (int i = 0; i < names.length; i++) {
      for (double[] p : points) {
        if (names[i].equals("pow") && p[0] < 0) {
          continue;
        }
        double got = eval("input x; input y; output " + names[i] + "(x, y)", p)[0];
        assertEquals(java[i].applyAsDouble(p[0], p[1]), got, 1e-14, names[i] + "(" + p[0] + ", " + p[1] + ")");
      }
    }
    assertClose(new double[] {8, 1, 2}, eval("input x[3]; output pow(x, 3)^(1/3) * [4, 0.5, 1]^[0.5, 0, 2]", 4, 1, 2));
  }

  @Test
  void whereAndComparisons() {
    String spec = """
        input x; input y
        output where(x > y, x, y)
        output where(x < 0, -x, x)
        output x < y; output x <= y; output x > y; output x >= y; output x == y; output x != y
        """;
    assertClose(new double[] {2, 1, 1, 1, 0, 0, 0, 1}, eval(spec, 1, 2));
    assertClose(new double[] {-2, 2, 0, 1, 0, 1, 1, 0}, eval(spec, -2, -2));
    assertClose(new double[] {3, 3, 0, 0, 1, 1, 0, 1}, eval(spec, 3, -5));
    // broadcasting condition against vector branches
    assertClose(new double[] {-1, 2, 3}, eval("input v[3]; output where(v > 1.5, v, -v) * [-1, 1, 1]", -1, 2, -3));
  }

  @Test
  void reductionsAndStructure() {
    String spec = """
        input A[2, 3]
        output sum(A); output sum(A, 0); output sum(A, 1); output sum(A, axis=-1)
        output mean(A); output mean(A, 0); output mean(A, axis=1)
        output prod(A); output norm(A[0]); output norm(A)
        output transpose(A)
        output reshape(A, 3, 2)[2]; output reshape(A, [6])[4]; output reshape(A, -1, 2)[0]
        output concat(A[0], A[1, :2]); output concat(A, A[:, :1], axis=1)[1]
        """;
    double[] a = {1, 2, 3, 4, 5, 6};
    double[] expected = {
        21, 5, 7, 9, 6, 15, 6, 15,
        3.5, 2.5, 3.5, 4.5, 2, 5,
        720, Math.sqrt(14), Math.sqrt(91),
        1, 4, 2, 5, 3, 6,
        5, 6, 5, 1, 2,
        1, 2, 3, 4, 5, 4, 5, 6, 4};
    assertClose(expected, eval(spec, a));
  }

  @Test
  void batchesAreEvaluatedRowByRow() {
    Graph g = SpecParser.parseInline("input x[2]\noutput x[0] * sin(x[1])\noutput x[1]^2").graph();
    double[][] out = evalBatch(g, new double[][] {{1, 2}, {3, 4}, {-1, 0.5}});
    assertClose(new double[] {Math.sin(2), 4}, out[0]);
    assertClose(new double[] {3 * Math.sin(4), 16}, out[1]);
    assertClose(new double[] {-Math.sin(0.5), 0.25}, out[2]);
  }

  @Test
  void outputsThatDoNotDependOnTheSample() {
    String spec = "param W = [[1, 2], [3, 4]]\ninput x\noutput W; output 2 * pi; output x; output W[1] * x";
    assertClose(new double[] {1, 2, 3, 4, 2 * Math.PI, 5, 15, 20}, eval(spec, 5));
  }

  @Test
  void constantsPiAndE() {
    assertClose(new double[] {Math.PI + 1, Math.E * 2}, eval("input x; output pi + x; output e * 2 * x", 1));
  }

  @Test
  void sigmoidSoftplusAndTanhAtLargeArguments() {
    assertClose(new double[] {1, MoreMath.softplus(800), 1},
        eval("input x; output sigmoid(x); output softplus(20 * x); output tanh(x)", 40));
  }

  private static double[] concat(double[]... parts) {
    int n = 0;
    for (double[] p : parts) {
      n += p.length;
    }
    double[] out = new double[n];
    int off = 0;
    for (double[] p : parts) {
      System.arraycopy(p, 0, out, off, p.length);
      off += p.length;
    }
    return out;
  }
}
