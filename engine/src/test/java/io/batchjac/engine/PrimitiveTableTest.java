package io.batchjac.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.Unary;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;

/**
 * Every primitive of the table ({@link Elementwise#unaries()}, {@link Elementwise#binaries()})
 * through all {@link GradCheck} checks, on small graphs with broadcasting shapes, and the
 * structural operations of {@link GraphBuilder}. The tests are driven FROM the table: a primitive
 * added to it without an entry in {@link #UNARY_DOMAINS} or {@link #BINARY_DOMAINS} fails
 * {@link #everyPrimitiveHasATestDomain()}.
 */
class PrimitiveTableTest {
  private static final int BATCH = 3;
  private static final Engine ENGINE = Engine.defaults();

  /** Where a primitive is tested: operand x in (lo1, hi1), operand y in (lo2, hi2). */
  record Domain(double lo1, double hi1, double lo2, double hi2, boolean zeroDerivative) {
    static Domain of(double lo, double hi) {
      return new Domain(lo, hi, lo, hi, false);
    }

    static Domain of(double lo1, double hi1, double lo2, double hi2) {
      return new Domain(lo1, hi1, lo2, hi2, false);
    }

    /** A primitive that is not differentiable (comparisons, sign): its derivative is exactly 0. */
    static Domain zero(double lo, double hi) {
      return new Domain(lo, hi, lo, hi, true);
    }
  }

  /** Test domains of the unary primitives, keyed by table name. */
  static final Map<String, Domain> UNARY_DOMAINS = new LinkedHashMap<>();
  /** Test domains of the binary primitives, keyed by table name (x domain, then y domain). */
  static final Map<String, Domain> BINARY_DOMAINS = new LinkedHashMap<>();

  static {
    UNARY_DOMAINS.put("neg", Domain.of(-2, 2));
    UNARY_DOMAINS.put("exp", Domain.of(-2, 2));
    UNARY_DOMAINS.put("expm1", Domain.of(-2, 2));
    UNARY_DOMAINS.put("log", Domain.of(0.1, 3));
    UNARY_DOMAINS.put("log1p", Domain.of(-0.8, 3));
    UNARY_DOMAINS.put("sin", Domain.of(-3, 3));
    UNARY_DOMAINS.put("cos", Domain.of(-3, 3));
    UNARY_DOMAINS.put("tan", Domain.of(-1.2, 1.2));
    UNARY_DOMAINS.put("asin", Domain.of(-0.9, 0.9));
    UNARY_DOMAINS.put("acos", Domain.of(-0.9, 0.9));
    UNARY_DOMAINS.put("atan", Domain.of(-3, 3));
    UNARY_DOMAINS.put("sinh", Domain.of(-2, 2));
    UNARY_DOMAINS.put("cosh", Domain.of(-2, 2));
    UNARY_DOMAINS.put("tanh", Domain.of(-3, 3));
    UNARY_DOMAINS.put("sqrt", Domain.of(0.1, 3));
    UNARY_DOMAINS.put("cbrt", Domain.of(0.1, 3));
    UNARY_DOMAINS.put("abs", Domain.of(-2, 2));
    UNARY_DOMAINS.put("sign", Domain.zero(-2, 2));
    UNARY_DOMAINS.put("erf", Domain.of(-2, 2));
    UNARY_DOMAINS.put("sigmoid", Domain.of(-4, 4));
    UNARY_DOMAINS.put("relu", Domain.of(-2, 2));
    UNARY_DOMAINS.put("softplus", Domain.of(-4, 4));

    BINARY_DOMAINS.put("+", Domain.of(-2, 2));
    BINARY_DOMAINS.put("-", Domain.of(-2, 2));
    BINARY_DOMAINS.put("*", Domain.of(-2, 2));
    BINARY_DOMAINS.put("zmul", Domain.of(-2, 2));
    BINARY_DOMAINS.put("/", Domain.of(-2, 2, 0.5, 2));
    BINARY_DOMAINS.put("zdiv", Domain.of(-2, 2, 0.5, 2));
    BINARY_DOMAINS.put("pow", Domain.of(0.5, 2, -2, 2));
    BINARY_DOMAINS.put("atan2", Domain.of(-2, 2, 0.5, 2));
    BINARY_DOMAINS.put("hypot", Domain.of(-2, 2, 0.5, 2));
    BINARY_DOMAINS.put("max", Domain.of(-2, 2));
    BINARY_DOMAINS.put("min", Domain.of(-2, 2));
    BINARY_DOMAINS.put("<", Domain.zero(-2, 2));
    BINARY_DOMAINS.put("<=", Domain.zero(-2, 2));
    BINARY_DOMAINS.put(">", Domain.zero(-2, 2));
    BINARY_DOMAINS.put(">=", Domain.zero(-2, 2));
    BINARY_DOMAINS.put("==", Domain.zero(-2, 2));
    BINARY_DOMAINS.put("!=", Domain.zero(-2, 2));
  }

  @Test
  void everyPrimitiveHasATestDomain() {
    Set<String> missing = new TreeSet<>();
    for (String name : Elementwise.unaries().keySet()) {
      if (!UNARY_DOMAINS.containsKey(name)) {
        missing.add("unary '" + name + "'");
      }
    }
    for (String name : Elementwise.binaries().keySet()) {
      if (!BINARY_DOMAINS.containsKey(name)) {
        missing.add("binary '" + name + "'");
      }
    }
    assertTrue(missing.isEmpty(), "primitives of the table without a test domain in PrimitiveTableTest "
        + "(add one to UNARY_DOMAINS / BINARY_DOMAINS): " + missing);
    Set<String> stale = new TreeSet<>();
    UNARY_DOMAINS.keySet().stream().filter(n -> Elementwise.unary(n) == null).forEach(n -> stale.add("unary '" + n + "'"));
    BINARY_DOMAINS.keySet().stream().filter(n -> Elementwise.binary(n) == null).forEach(n -> stale.add("binary '" + n + "'"));
    assertTrue(stale.isEmpty(), "test domains for primitives that are not in the table: " + stale);
  }

  // ------------------------------------------------------------------ elementwise table

  @TestFactory
  Stream<DynamicTest> unaryPrimitives() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, Unary> e : Elementwise.unaries().entrySet()) {
      String name = e.getKey();
      Unary op = e.getValue();
      Domain d = UNARY_DOMAINS.get(name);
      if (d == null) {
        continue; // reported by everyPrimitiveHasATestDomain
      }
      tests.add(DynamicTest.dynamicTest(name, () -> checkUnary(name, op, d)));
    }
    return tests.stream();
  }

  @TestFactory
  Stream<DynamicTest> binaryPrimitives() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Map.Entry<String, Binary> e : Elementwise.binaries().entrySet()) {
      String name = e.getKey();
      Binary op = e.getValue();
      Domain d = BINARY_DOMAINS.get(name);
      if (d == null) {
        continue;
      }
      tests.add(DynamicTest.dynamicTest(name, () -> checkBinary(name, op, d)));
    }
    return tests.stream();
  }

  private static void checkUnary(String name, Unary op, Domain d) {
    Random rnd = new Random(name.hashCode());
    for (Shape s : List.of(Shape.SCALAR, Shape.of(2, 3))) {
      GraphBuilder b = new GraphBuilder();
      Node x = b.input("x", s);
      b.output("y", b.apply(op, x));
      Graph f = b.build();
      String label = name + "(x" + s + ")";
      Tensor xs = GradCheck.uniform(rnd, BATCH, s.size(), d.lo1(), d.hi1());
      checkUnaryValues(label, f, op, xs, s.size());
      if (d.zeroDerivative()) {
        checkZeroDerivative(label, f, xs);
      } else {
        GradCheck.checkAll(label, ENGINE, f, xs);
      }
    }
    // second order: the Hessian of sum(op(x)) is diag(op''(x))
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(3));
    b.output("s", b.sumAll(b.apply(op, x)));
    Graph f = b.build();
    String label = "sum(" + name + "(x[3]))";
    Tensor xs = GradCheck.uniform(rnd, BATCH, 3, d.lo1(), d.hi1());
    if (d.zeroDerivative()) {
      checkZeroDerivative(label, f, xs);
      assertAllZero(label + " hessian", ENGINE.hessian(f, xs));
    } else {
      GradCheck.checkAll(label, ENGINE, f, xs);
    }
  }

  /** Operand shapes of the binary cases: both inputs, an input and a parameter, broadcasting. */
  private static final List<Shape[]> BINARY_SHAPES = List.of(
      new Shape[] {Shape.of(2, 2), Shape.of(2, 2)},
      new Shape[] {Shape.of(3), Shape.of(2, 3)},
      new Shape[] {Shape.of(2, 3), Shape.of(3)},
      new Shape[] {Shape.SCALAR, Shape.of(3)},
      new Shape[] {Shape.of(3), Shape.SCALAR},
      new Shape[] {Shape.of(2, 1), Shape.of(1, 3)});

  private static void checkBinary(String name, Binary op, Domain d) {
    Random rnd = new Random(name.hashCode());
    for (Shape[] s : BINARY_SHAPES) {
      // both operands are inputs
      GraphBuilder b = new GraphBuilder();
      Node x = b.input("x", s[0]);
      Node y = b.input("y", s[1]);
      b.output("z", b.apply(op, x, y));
      Graph f = b.build();
      String label = "x" + s[0] + " " + name + " y" + s[1];
      Tensor xs = binaryInputs(rnd, d, s[0].size(), s[1].size());
      checkBinaryValues(label, f, op, xs, s[0], s[1]);
      if (d.zeroDerivative()) {
        checkZeroDerivative(label, f, xs);
      } else {
        GradCheck.checkAll(label, ENGINE, f, xs);
      }
      // second order through the sum of the output
      GraphBuilder b2 = new GraphBuilder();
      Node x2 = b2.input("x", s[0]);
      Node y2 = b2.input("y", s[1]);
      b2.output("s", b2.sumAll(b2.apply(op, x2, y2)));
      Graph g = b2.build();
      if (d.zeroDerivative()) {
        checkZeroDerivative("sum(" + label + ")", g, xs);
        assertAllZero("sum(" + label + ") hessian", ENGINE.hessian(g, xs));
      } else {
        GradCheck.checkAll("sum(" + label + ")", ENGINE, g, xs);
      }
    }
    // one operand is a parameter (sample-independent), on either side
    for (int side = 0; side < 2; side++) {
      Shape sx = side == 0 ? Shape.of(2, 3) : Shape.of(3);
      Shape sp = side == 0 ? Shape.of(3) : Shape.of(2, 3);
      GraphBuilder b = new GraphBuilder();
      Node x = b.input("x", sx);
      double lo = side == 0 ? d.lo2() : d.lo1();
      double hi = side == 0 ? d.hi2() : d.hi1();
      Node p = b.param("p", GradCheck.uniform(rnd, 1, sp.size(), lo, hi).view(sp, Tensor.Order.C));
      Node z = side == 0 ? b.apply(op, x, p) : b.apply(op, p, x);
      b.output("s", b.sumAll(b.mul(z, z)));
      Graph f = b.build();
      String label = side == 0 ? "sum((x[2, 3] " + name + " p[3])^2)" : "sum((p[2, 3] " + name + " x[3])^2)";
      Tensor xs = side == 0 ? GradCheck.uniform(rnd, BATCH, sx.size(), d.lo1(), d.hi1())
          : GradCheck.uniform(rnd, BATCH, sx.size(), d.lo2(), d.hi2());
      if (d.zeroDerivative()) {
        checkZeroDerivative(label, f, xs);
      } else {
        GradCheck.checkAll(label, ENGINE, f, xs);
      }
    }
  }

  private static Tensor binaryInputs(Random rnd, Domain d, int nx, int ny) {
    double[] v = new double[BATCH * (nx + ny)];
    for (int b = 0; b < BATCH; b++) {
      for (int i = 0; i < nx; i++) {
        v[b * (nx + ny) + i] = d.lo1() + (d.hi1() - d.lo1()) * rnd.nextDouble();
      }
      for (int i = 0; i < ny; i++) {
        v[b * (nx + ny) + nx + i] = d.lo2() + (d.hi2() - d.lo2()) * rnd.nextDouble();
      }
    }
    return GradCheck.batch(BATCH, nx + ny, v);
  }

  // ------------------------------------------------------------------ value and zero checks

  /** The graph computes the primitive's scalar definition elementwise (per sample). */
  private static void checkUnaryValues(String label, Graph f, Unary op, Tensor xs, int n) {
    Tensor y = ENGINE.evaluate(f, xs);
    double[] xd = xs.data();
    for (int b = 0; b < BATCH; b++) {
      for (int i = 0; i < n; i++) {
        double want = op.fn().applyAsDouble(xd[b * n + i]);
        assertEquals(want, y.get(i, b), 0.0, label + " value at sample " + b + ", element " + i);
      }
    }
  }

  private static void checkBinaryValues(String label, Graph f, Binary op, Tensor xs, Shape sx, Shape sy) {
    Tensor y = ENGINE.evaluate(f, xs);
    Shape so = Shape.broadcastOrNull(sx, sy);
    int nx = sx.size();
    int ny = sy.size();
    double[] xd = xs.data();
    for (int b = 0; b < BATCH; b++) {
      for (int i = 0; i < so.size(); i++) {
        double a = xd[b * (nx + ny) + broadcastIndex(sx, so, i)];
        double c = xd[b * (nx + ny) + nx + broadcastIndex(sy, so, i)];
        assertEquals(op.fn().applyAsDouble(a, c), y.get(i, b), 0.0, label + " value at sample " + b + ", element " + i);
      }
    }
  }

  /** The row-major offset in {@code s} of the element that broadcasts to element {@code i} of {@code out}. */
  private static int broadcastIndex(Shape s, Shape out, int i) {
    int[] idx = new int[out.rank()];
    for (int k = out.rank() - 1; k >= 0; k--) {
      idx[k] = i % out.dim(k);
      i /= out.dim(k);
    }
    int off = 0;
    int lead = out.rank() - s.rank();
    for (int k = 0; k < s.rank(); k++) {
      off = off * s.dim(k) + (s.dim(k) == 1 ? 0 : idx[lead + k]);
    }
    return off;
  }

  /** Jacobians (both modes), JVP and VJP are exactly zero. */
  static void checkZeroDerivative(String label, Graph f, Tensor xs) {
    int n = f.inputSize();
    int m = f.outputSize();
    assertAllZero(label + " forward Jacobian", ENGINE.batchedJacobian(f, Backend.forward(), xs));
    assertAllZero(label + " reverse Jacobian", ENGINE.batchedJacobian(f, Backend.reverse(), xs));
    Random rnd = new Random(label.hashCode());
    assertAllZero(label + " jvp", ENGINE.jvp(f, Backend.forward(), xs, GradCheck.uniform(rnd, BATCH, n, -1, 1)));
    assertAllZero(label + " vjp", ENGINE.vjp(f, Backend.reverse(), xs, GradCheck.uniform(rnd, BATCH, m, -1, 1)));
  }

  static void assertAllZero(String label, Tensor t) {
    double[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      if (d[i] != 0) {
        fail(label + ": expected exactly 0 everywhere, but element " + i + " of " + t.shape()
            + " (Fortran order) is " + d[i]);
      }
    }
  }

  // ------------------------------------------------------------------ structural operations

  /** A structural case: a name, input shapes, and the graph body from the inputs. */
  private record Case(String name, double lo, double hi, Shape[] inputs, BiFunction<GraphBuilder, Node[], Node> body) {}

  /** A case with inputs drawn from (-2, 2). */
  private static Case of(String name, BiFunction<GraphBuilder, Node[], Node> body, Shape... inputs) {
    return new Case(name, -2, 2, inputs, body);
  }

  /** A case with inputs drawn from (lo, hi). */
  private static Case of(String name, double lo, double hi, BiFunction<GraphBuilder, Node[], Node> body,
      Shape... inputs) {
    return new Case(name, lo, hi, inputs, body);
  }

  private static Node param(GraphBuilder b, String name, long seed, int... dims) {
    return b.param(name, GradCheck.gaussian(new Random(seed), 0.7, dims));
  }

  private static final List<Case> STRUCTURAL = List.of(
      of("reshape [2,3]->[3,2]", (b, x) -> b.reshape(x[0], Shape.of(3, 2)), Shape.of(2, 3)),
      of("reshape [6]->[2,3] then times param", (b, x) -> b.mul(b.reshape(x[0], Shape.of(2, 3)), param(b, "p", 1, 3)),
          Shape.of(6)),
      of("reshape scalar->[1,1]", (b, x) -> b.reshape(x[0], Shape.of(1, 1)), Shape.SCALAR),
      of("transpose 2D", (b, x) -> b.transpose(x[0]), Shape.of(2, 3)),
      of("transpose 3D (1,2,0)", (b, x) -> b.transpose(x[0], 1, 2, 0), Shape.of(2, 3, 4)),
      of("transpose 3D (2,0,1)", (b, x) -> b.transpose(x[0], 2, 0, 1), Shape.of(2, 3, 4)),
      of("transpose 3D (0,2,1)", (b, x) -> b.transpose(x[0], 0, 2, 1), Shape.of(2, 3, 4)),
      of("transpose 3D reversed", (b, x) -> b.transpose(x[0]), Shape.of(2, 3, 4)),
      of("broadcastTo [3]->[2,3]", (b, x) -> b.broadcastTo(x[0], Shape.of(2, 3)), Shape.of(3)),
      of("broadcastTo [2,1]->[2,3]", (b, x) -> b.broadcastTo(x[0], Shape.of(2, 3)), Shape.of(2, 1)),
      of("broadcastTo scalar->[2,2]", (b, x) -> b.broadcastTo(x[0], Shape.of(2, 2)), Shape.SCALAR),
      of("broadcastTo [3,1]->[2,3,4]", (b, x) -> b.broadcastTo(x[0], Shape.of(2, 3, 4)), Shape.of(3, 1)),
      of("sum leading axis", (b, x) -> b.sum(x[0], 0), Shape.of(2, 3, 4)),
      of("sum trailing axis", (b, x) -> b.sum(x[0], -1), Shape.of(2, 3, 4)),
      of("sum middle axis", (b, x) -> b.sum(x[0], 1), Shape.of(2, 3, 4)),
      of("sum axes 0 and 2", (b, x) -> b.sum(x[0], 0, 2), Shape.of(2, 3, 4)),
      of("sum all", (b, x) -> b.sumAll(x[0]), Shape.of(2, 3, 4)),
      of("slice box", (b, x) -> b.slice(x[0], new int[] {1, 0}, new int[] {3, 2}), Shape.of(3, 4)),
      of("sliceAxis 1", (b, x) -> b.sliceAxis(x[0], 1, 1, 3), Shape.of(3, 4)),
      of("sliceAxis 0", (b, x) -> b.sliceAxis(x[0], 0, 0, 2), Shape.of(3, 4)),
      of("index axis 0", (b, x) -> b.index(x[0], 0, 2), Shape.of(3, 4)),
      of("index axis 1", (b, x) -> b.index(x[0], 1, 1), Shape.of(3, 4)),
      of("index vector", (b, x) -> b.index(x[0], 0, 3), Shape.of(5)),
      of("pad", (b, x) -> b.pad(x[0], new int[] {1, 0}, Shape.of(4, 3)), Shape.of(2, 2)),
      of("concat axis 0", (b, x) -> b.concat(0, x[0], x[1]), Shape.of(2, 3), Shape.of(1, 3)),
      of("concat axis 1", (b, x) -> b.concat(1, x[0], x[1]), Shape.of(2, 3), Shape.of(2, 2)),
      of("concat axis -1 with a param", (b, x) -> b.concat(-1, x[0], param(b, "p", 2, 2, 2), x[1]),
          Shape.of(2, 1), Shape.of(2, 3)),
      of("concat vectors", (b, x) -> b.concat(0, x[0], x[1], x[0]), Shape.of(2), Shape.of(3)),
      of("matmul param matrix @ vector", (b, x) -> b.matmul(param(b, "W", 3, 4, 3), x[0]), Shape.of(3)),
      of("matmul vector @ matrix", (b, x) -> b.matmul(x[0], x[1]), Shape.of(3), Shape.of(3, 4)),
      of("matmul matrix @ vector both batched", (b, x) -> b.matmul(x[0], x[1]), Shape.of(2, 3), Shape.of(3)),
      of("matmul matrix @ matrix both batched", (b, x) -> b.matmul(x[0], x[1]), Shape.of(2, 3), Shape.of(3, 4)),
      of("matmul batched matrix @ param matrix", (b, x) -> b.matmul(x[0], param(b, "W", 4, 3, 4)), Shape.of(2, 3)),
      of("matmul param matrix @ batched matrix", (b, x) -> b.matmul(param(b, "W", 5, 2, 3), x[0]), Shape.of(3, 4)),
      of("matmul vector @ param matrix", (b, x) -> b.matmul(x[0], param(b, "W", 6, 3, 2)), Shape.of(3)),
      of("matmul broadcast batch axes [2,2,3]@[3,4]", (b, x) -> b.matmul(x[0], x[1]), Shape.of(2, 2, 3), Shape.of(3, 4)),
      of("matmul broadcast batch axes [2,1,2,3]@[3,3,2]", (b, x) -> b.matmul(x[0], x[1]), Shape.of(2, 1, 2, 3),
          Shape.of(3, 3, 2)),
      of("matmul param [2,3,3] @ vector", (b, x) -> b.matmul(param(b, "W", 7, 2, 3, 3), x[0]), Shape.of(3)),
      of("matmul batched [2,2,3] @ param [3,2]", (b, x) -> b.matmul(x[0], param(b, "W", 8, 3, 2)), Shape.of(2, 2, 3)),
      of("where(x > 0, sin(x), y) broadcasting", (b, x) -> b.where(b.gt(x[0], b.scalar(0)), b.sin(x[0]), x[1]),
          Shape.of(2, 3), Shape.of(3)),
      of("where(c[3], a[2,3], scalar b)", (b, x) -> b.where(b.lt(x[0], b.scalar(0.2)), x[1], b.mul(x[2], x[2])),
          Shape.of(3), Shape.of(2, 3), Shape.SCALAR),
      of("where with a param branch", (b, x) -> b.where(b.gt(x[0], b.scalar(0)), param(b, "p", 9, 3), b.exp(x[0])),
          Shape.of(3)),
      of("dot of vectors", (b, x) -> b.dot(x[0], x[1]), Shape.of(4), Shape.of(4)),
      of("dot with a param", (b, x) -> b.dot(param(b, "w", 10, 4), x[0]), Shape.of(4)),
      of("dot matrix", (b, x) -> b.dot(x[0], x[1]), Shape.of(2, 3), Shape.of(3)),
      of("meanAll", (b, x) -> b.meanAll(x[0]), Shape.of(2, 3)),
      of("norm", (b, x) -> b.norm(x[0]), Shape.of(2, 3)),
      of("prodAll", (b, x) -> b.prodAll(x[0]), Shape.of(2, 2)),
      of("powConst x^2", (b, x) -> b.powConst(x[0], 2), Shape.of(2, 3)),
      of("powConst x^3", (b, x) -> b.powConst(x[0], 3), Shape.of(2, 3)),
      of("powConst x^0.5", 0.2, 3, (b, x) -> b.powConst(x[0], 0.5), Shape.of(2, 3)),
      of("powConst x^-1", 0.2, 3, (b, x) -> b.powConst(x[0], -1), Shape.of(2, 3)),
      of("powConst x^2.5", 0.2, 3, (b, x) -> b.powConst(x[0], 2.5), Shape.of(2, 3)),
      of("powConst x^-0.5", 0.2, 3, (b, x) -> b.powConst(x[0], -0.5), Shape.of(2, 3)),
      of("powConst x^-2", 0.2, 3, (b, x) -> b.powConst(x[0], -2), Shape.of(2, 3)),
      of("powConst x^0", (b, x) -> b.add(b.powConst(x[0], 0), x[0]), Shape.of(2, 3)),
      of("pow with constant scalar exponent", 0.2, 3, (b, x) -> b.pow(x[0], b.scalar(1.5)), Shape.of(3)));

  @TestFactory
  Stream<DynamicTest> structuralOps() {
    List<DynamicTest> tests = new ArrayList<>();
    for (Case c : STRUCTURAL) {
      tests.add(DynamicTest.dynamicTest(c.name(), () -> checkStructural(c)));
    }
    return tests.stream();
  }

  private static void checkStructural(Case c) {
    Random rnd = new Random(c.name().hashCode());
    int n = 0;
    for (Shape s : c.inputs()) {
      n += s.size();
    }
    Tensor xs = GradCheck.uniform(rnd, BATCH, n, c.lo(), c.hi());
    // the op itself (vector output)
    GradCheck.checkAll(c.name(), ENGINE, build(c, (b, z) -> z), xs);
    // second order: sum(tanh(op)) (a nonlinear scalar, so the Hessian exercises the op's rules twice)
    GradCheck.checkAll("sum(tanh(" + c.name() + "))", ENGINE, build(c, (b, z) -> b.sumAll(b.tanh(z))), xs);
  }

  /**
   * {@code prodAll} is a chain of products, so its derivatives are exact where elements are 0
   * (no division by the product): the gradient at (a, 0, c, d) is (0, a*c*d, 0, 0) exactly, and
   * the Hessian's nonzero entries are the products of the other two factors.
   */
  @Test
  void prodAllWithZeroElementsHasExactDerivatives() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(4));
    b.output("p", b.prodAll(x));
    Graph f = b.build();
    double[][] points = {{1.5, 0, -2, 0.5}, {0, 0, 3, 2}, {0.7, -1.1, 0, 1.3}, {2, 3, 5, 7}};
    double[] flat = new double[16];
    for (int s = 0; s < 4; s++) {
      System.arraycopy(points[s], 0, flat, 4 * s, 4);
    }
    Tensor xs = GradCheck.batch(4, 4, flat);
    Tensor gf = ENGINE.gradient(f, Backend.forward(), xs);
    Tensor gr = ENGINE.gradient(f, Backend.reverse(), xs);
    Tensor h = ENGINE.hessian(f, xs);
    for (int s = 0; s < 4; s++) {
      double[] p = points[s];
      for (int i = 0; i < 4; i++) {
        double want = 1;
        for (int k = 0; k < 4; k++) {
          want *= k == i ? 1 : p[k];
        }
        assertEquals(want, gf.get(i, s), 1e-15 * Math.abs(want), "forward d prod / d x" + i + " at " + List.of(p[0], p[1], p[2], p[3]));
        assertEquals(want, gr.get(i, s), 1e-15 * Math.abs(want), "reverse d prod / d x" + i + " at " + List.of(p[0], p[1], p[2], p[3]));
        for (int j = 0; j < 4; j++) {
          double hw = i == j ? 0 : 1;
          for (int k = 0; k < 4; k++) {
            hw *= k == i || k == j ? 1 : p[k];
          }
          assertEquals(hw, h.get(i, j, s), 1e-15 * Math.abs(hw), "d2 prod / d x" + i + " d x" + j + " at "
              + List.of(p[0], p[1], p[2], p[3]));
        }
      }
    }
    GradCheck.checkAll("prodAll with zeros", ENGINE, f, xs);
  }

  private static Graph build(Case c, BiFunction<GraphBuilder, Node, Node> wrap) {
    GraphBuilder b = new GraphBuilder();
    Node[] x = new Node[c.inputs().length];
    for (int i = 0; i < x.length; i++) {
      x[i] = b.input("x" + i, c.inputs()[i]);
    }
    b.output("y", wrap.apply(b, c.body().apply(b, x)));
    return b.build();
  }
}
