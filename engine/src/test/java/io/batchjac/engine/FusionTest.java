package io.batchjac.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.exec.Binding;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.exec.Plan;
import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.PowConst;
import io.batchjac.engine.ir.Unary;
import io.batchjac.engine.lang.SpecParser;
import io.batchjac.engine.tensor.Shape;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * Fused plans (generated code per group of elementwise steps) against the step-by-step
 * interpreter, bitwise: on every primitive of the table with NaN, infinities, signed zeros and
 * strong zeros; on randomly generated specs and their derivatives; on the shipped examples; on
 * 1 and 2 threads and small and large chunks.
 */
class FusionTest {
  private static final Executor[] EXECUTORS = {new Executor(1, 64), new Executor(2, 1 << 16), new Executor(2, 333)};

  static double special(SplittableRandom r) {
    return switch (r.nextInt(12)) {
      case 0 -> 0.0;
      case 1 -> -0.0;
      case 2 -> Double.POSITIVE_INFINITY;
      case 3 -> Double.NEGATIVE_INFINITY;
      case 4 -> Double.NaN;
      case 5 -> r.nextDouble(-1e6, 1e6);
      case 6 -> Double.MIN_VALUE;
      default -> r.nextDouble(-3, 3);
    };
  }

  private static void assertBitwise(double[] want, double[] got, String what) {
    assertEquals(want.length, got.length, what + ": lengths");
    for (int i = 0; i < want.length; i++) {
      if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
        assertEquals(Double.doubleToLongBits(want[i]), Double.doubleToLongBits(got[i]),
            what + ": value " + i + " unfused " + want[i] + " fused " + got[i]);
      }
    }
  }

  // ------------------------------------------------------------------ primitives

  /** Runs a plan on inputs x and y (each of {@code width} values per sample) into its outputs. */
  private static List<double[]> run(Plan p, Graph g, Executor ex, double[] x, double[] y, int width, int batch) {
    return run(p, g, ex, List.of(x, y), batch);
  }

  /** Runs a plan on its inputs (input i's samples back to back in {@code inputs.get(i)}) into its outputs. */
  private static List<double[]> run(Plan p, Graph g, Executor ex, List<double[]> inputs, int batch) {
    Binding[] in = new Binding[g.inputs().size()];
    for (int i = 0; i < in.length; i++) {
      int width = g.inputs().get(i).shape().size();
      in[i] = Binding.contiguous(inputs.get(i), 0, width, width);
    }
    List<double[]> outs = new ArrayList<>();
    Binding[] ob = new Binding[g.outputs().size()];
    for (int i = 0; i < ob.length; i++) {
      int size = g.outputs().get(i).node().shape().size();
      double[] o = new double[size * batch + 3];
      outs.add(o);
      ob[i] = Binding.contiguous(o, 3, size, size); // at an offset: fused code copies out at any offset
    }
    ex.run(p, batch, in, ob);
    return outs;
  }

  /**
   * Runs {@code check} in every fused form: groups computed per element in registers, then per
   * member on tiles, each with the early and the late grouping (FusionGroups).
   */
  private static void inEveryFusedForm(Runnable check) {
    String[] names = {"batchjac.fusion.registers", "batchjac.fusion.grouping"};
    String[] before = {System.getProperty(names[0]), System.getProperty(names[1])};
    try {
      for (String registers : new String[] {"true", "false"}) {
        for (String grouping : new String[] {"early", "late"}) {
          System.setProperty(names[0], registers);
          System.setProperty(names[1], grouping);
          check.run();
        }
      }
    } finally {
      for (int i = 0; i < names.length; i++) {
        if (before[i] == null) {
          System.clearProperty(names[i]);
        } else {
          System.setProperty(names[i], before[i]);
        }
      }
    }
  }

  /** The fused form {@link #inEveryFusedForm} runs now, for messages. */
  private static String form() {
    return " registers=" + System.getProperty("batchjac.fusion.registers") + " grouping="
        + System.getProperty("batchjac.fusion.grouping");
  }

  private static void compareOnPrimitives(Graph g, String what) {
    inEveryFusedForm(() -> compareOnPrimitivesOnce(g, what + form()));
  }

  private static void compareOnPrimitivesOnce(Graph g, String what) {
    List<Node> outs = g.outputs().stream().map(Graph.Output::node).toList();
    Plan fused = Plan.compile(g, outs, true);
    Plan plain = Plan.compile(g, outs, false);
    assertTrue(fused.describe().contains("FusedStep"), what + ": nothing fused\n" + fused.describe());
    SplittableRandom r = new SplittableRandom(what.hashCode());
    int width = 5;
    for (int batch : new int[] {1, 7, 700}) {
      double[] x = new double[batch * width];
      double[] y = new double[batch * width];
      for (int i = 0; i < x.length; i++) {
        x[i] = special(r);
        y[i] = special(r);
      }
      for (Executor ex : EXECUTORS) {
        List<double[]> want = run(plain, g, ex, x, y, width, batch);
        List<double[]> got = run(fused, g, ex, x, y, width, batch);
        for (int i = 0; i < want.size(); i++) {
          assertBitwise(want.get(i), got.get(i), what + " output " + i + " batch " + batch);
        }
      }
    }
  }

  @Test
  void everyUnaryPrimitiveAndConstantPower() {
    List<Unary> ops = new ArrayList<>(Elementwise.unaries().values());
    for (Unary u : ops) {
      GraphBuilder b = new GraphBuilder();
      Node x = b.input("x", Shape.of(5));
      Node y = b.input("y", Shape.of(5));
      Node v = b.apply(u, b.add(x, y));
      b.output("v", v);                                  // written out and used on
      b.output("w", b.zmul(b.apply(u, b.neg(x)), v));    // an internal value, a strong-zero product
      compareOnPrimitives(b.build(), u.name());
    }
    for (double c : new double[] {0, 2, 3, 4, 5, -1, -2, -3, 7, 8, 0.5, -0.5, 9, 2.5, -1.5}) {
      GraphBuilder b = new GraphBuilder();
      Node x = b.input("x", Shape.of(5));
      Node y = b.input("y", Shape.of(5));
      b.output("v", b.sub(b.apply(new PowConst(c), b.mul(x, y)), y));
      compareOnPrimitives(b.build(), "^" + c);
    }
  }

  @Test
  void everyBinaryPrimitiveWithArraysAndScalars() {
    double[] scalars = {0.0, -0.0, 2.5, -1, Double.POSITIVE_INFINITY, Double.NaN};
    for (Binary op : Elementwise.binaries().values()) {
      for (double s : scalars) {
        GraphBuilder b = new GraphBuilder();
        Node x = b.input("x", Shape.of(5));
        Node y = b.input("y", Shape.of(5));
        Node nx = b.neg(x);
        b.output("vv", b.apply(op, nx, b.neg(y)));
        b.output("vs", b.apply(op, b.neg(nx), b.constant(io.batchjac.engine.tensor.Tensor.scalar(s))));
        b.output("sv", b.neg(b.apply(op, b.constant(io.batchjac.engine.tensor.Tensor.scalar(s)), nx)));
        b.output("same", b.apply(op, nx, nx));
        compareOnPrimitives(b.build(), op.name() + " with " + s);
      }
    }
  }

  /** A constant of {@code shape} drawn among special and ordinary values, zeros included. */
  private static Node specialConstant(GraphBuilder b, Shape shape, SplittableRandom r) {
    double[] v = new double[shape.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = r.nextInt(3) == 0 ? special(r) : r.nextDouble(-2, 2);
    }
    return b.constant(io.batchjac.engine.tensor.Tensor.of(shape, v));
  }

  /**
   * Members reading repeating operands: a constant vector of the group's size (a bias), a
   * constant matrix and a constant row over K rows, a per-sample partial repeated over K rows
   * (the reverse-mode products), a per-sample scalar over a sample's values; sizes whose period
   * divides the tile (filled once) and does not, K = 1 (everything one size) and K > 1, and values
   * longer than a tile. Constants and inputs hold zeros, so the strong-zero products' plain pass
   * meets zeros and runs the segment again with the definitions.
   */
  @Test
  void membersWithRepeatingOperands() {
    SplittableRandom r = new SplittableRandom(1414);
    for (int k : new int[] {1, 3}) {
      for (int h : new int[] {4, 5, 64, 300}) {
        GraphBuilder b = new GraphBuilder();
        Node x = b.input("x", Shape.of(h));
        Node c = b.input("c", Shape.of(k, h));
        Node s = b.input("s", Shape.of());
        Node d = b.apply(Elementwise.TANH, b.add(x, specialConstant(b, Shape.of(h), r)));
        Node e = b.sub(b.constant(io.batchjac.engine.tensor.Tensor.scalar(1)), b.mul(d, d));
        Node ct1 = b.zmul(specialConstant(b, Shape.of(k, h), r), e);           // constant matrix x partial
        Node ct2 = b.zmul(c, e);                                                // cotangent rows x partial
        Node row = b.mul(specialConstant(b, Shape.of(1, h), r), ct2);          // a constant row over K rows
        b.output("d", d);
        b.output("sum", b.add(b.zmul(ct2, specialConstant(b, Shape.of(k, h), r)), b.neg(ct1)));
        b.output("row", b.sub(row, b.mul(c, s)));                              // a per-sample scalar
        Graph g = b.build();
        List<Node> outs = g.outputs().stream().map(Graph.Output::node).toList();
        String what = "K=" + k + " H=" + h;
        inEveryFusedForm(() -> {
          Plan fused = Plan.compile(g, outs, true);
          Plan plain = Plan.compile(g, outs, false);
          assertTrue(fused.describe().lines().anyMatch(l -> l.contains("[FusedStep") && l.contains(" zmul")),
              what + ": the products are not fused\n" + fused.describe());
          for (int batch : new int[] {1, 7, 300}) {
            List<double[]> in = new ArrayList<>();
            for (Node i : g.inputs()) {
              double[] v = new double[i.shape().size() * batch];
              for (int j = 0; j < v.length; j++) {
                v[j] = r.nextInt(4) == 0 ? special(r) : r.nextDouble(-2, 2);
              }
              in.add(v);
            }
            for (Executor ex : EXECUTORS) {
              List<double[]> want = run(plain, g, ex, in, batch);
              List<double[]> got = run(fused, g, ex, in, batch);
              for (int i = 0; i < want.size(); i++) {
                assertBitwise(want.get(i), got.get(i), what + form()
                    + " output " + i + " batch " + batch);
              }
            }
          }
        });
      }
    }
  }

  /**
   * A strong-zero product whose x has zeros and a NaN in a later tile only: the plain pass's values
   * there are not the definition's, and the run is done again with the definitions.
   */
  @Test
  void strongZeroPlainPassAndItsRerun() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(300));
    Node y = b.input("y", Shape.of(300));
    b.output("p", b.neg(b.zmul(b.add(x, x), y)));
    Graph g = b.build();
    List<Node> outs = g.outputs().stream().map(Graph.Output::node).toList();
    Plan fused = Plan.compile(g, outs, true);
    Plan plain = Plan.compile(g, outs, false);
    assertTrue(fused.describe().contains("FusedStep + zmul neg"), fused.describe());
    int batch = 4;
    double[] xs = new double[300 * batch];
    double[] ys = new double[300 * batch];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = 1 + i % 7;
      ys[i] = i % 11 == 0 ? Double.POSITIVE_INFINITY : -0.5;
    }
    xs[700] = 0.0;   // 0 * inf: NaN plain, +0 by the definition
    xs[701] = -0.0;  // -0 * -0.5 = +0 plain, the definition's +0 too
    xs[900] = Double.NaN;
    for (Executor ex : EXECUTORS) {
      double[] want = run(plain, g, ex, List.of(xs, ys), batch).get(0);
      double[] got = run(fused, g, ex, List.of(xs, ys), batch).get(0);
      assertBitwise(want, got, "rerun");
      assertEquals(-0.0, got[3 + 700], "zero x with an infinite y: the strong zero, negated");
    }
  }

  // ------------------------------------------------------------------ whole operations

  /** Runs {@code make}'s operation compiled with and without fusion on every executor: bitwise equal. */
  private static void compareOps(Supplier<PreparedOp> make, int width, int batch, long seed, String what) {
    inEveryFusedForm(() -> compareOpsOnce(make, width, batch, seed, what + form()));
  }

  private static void compareOpsOnce(Supplier<PreparedOp> make, int width, int batch, long seed, String what) {
    String before = System.getProperty("batchjac.fusion");
    PreparedOp fused;
    PreparedOp plain;
    try {
      System.setProperty("batchjac.fusion", "true");
      fused = make.get();
      System.setProperty("batchjac.fusion", "false");
      plain = make.get();
    } finally {
      if (before == null) {
        System.clearProperty("batchjac.fusion");
      } else {
        System.setProperty("batchjac.fusion", before);
      }
    }
    SplittableRandom r = new SplittableRandom(seed);
    double[] x = new double[width * batch];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(20) == 0 ? special(r) : r.nextDouble(-2, 2);
    }
    double[] extra = fused.extraWidth() == 0 ? null : new double[fused.extraWidth() * batch];
    if (extra != null) {
      for (int i = 0; i < extra.length; i++) {
        extra[i] = r.nextInt(10) == 0 ? 0.0 : r.nextDouble(-1, 1);
      }
    }
    for (Executor ex : EXECUTORS) {
      assertBitwise(plain.run(ex, x, width, extra, batch), fused.run(ex, x, width, extra, batch), what);
    }
  }

  private static final String[] UNARY = {"sin", "cos", "tan", "atan", "tanh", "exp", "expm1", "log", "log1p",
      "sqrt", "cbrt", "abs", "sign", "erf", "sigmoid", "relu", "softplus", "sinh", "asin"};
  private static final String[] BINARY_FN = {"atan2", "pow", "hypot", "min", "max"};
  private static final String[] OPERATORS = {"+", "-", "*", "/"};

  /** A random spec in x (4 values): a hidden vector h and two outputs, a vector and a sum. */
  static String randomSpec(SplittableRandom r) {
    return "input x[4]\nh = " + expression(r, 4) + "\noutput y = " + expression(r, 3)
        + " + h * x\noutput s = sum(h * " + expression(r, 2) + ")\n";
  }

  /** A random expression in x (4 values) of the spec language. */
  static String expression(SplittableRandom r, int depth) {
    if (depth == 0 || r.nextInt(6) == 0) {
      return switch (r.nextInt(4)) {
        case 0 -> "x";
        case 1 -> "x[" + r.nextInt(4) + "]";
        case 2 -> Double.toString(Math.round(r.nextDouble(-3, 3) * 4) / 4.0).replace("-", "0-");
        default -> "(x * x[" + r.nextInt(4) + "])";
      };
    }
    return switch (r.nextInt(7)) {
      case 0, 1 -> UNARY[r.nextInt(UNARY.length)] + "(" + expression(r, depth - 1) + ")";
      case 2 -> BINARY_FN[r.nextInt(BINARY_FN.length)] + "(" + expression(r, depth - 1) + ", "
          + expression(r, depth - 1) + ")";
      case 3 -> "(" + expression(r, depth - 1) + ")^" + (r.nextInt(5) - 1);
      case 4 -> "where(" + expression(r, depth - 1) + " > 0, " + expression(r, depth - 1) + ", "
          + expression(r, depth - 1) + ")";
      default -> "(" + expression(r, depth - 1) + " " + OPERATORS[r.nextInt(OPERATORS.length)] + " "
          + expression(r, depth - 1) + ")";
    };
  }

  @Test
  void randomSpecsAndTheirDerivatives() {
    SplittableRandom r = new SplittableRandom(14);
    for (int t = 0; t < 15; t++) {
      String text = randomSpec(r);
      Graph f;
      try {
        f = SpecParser.parseInline(text).graph();
      } catch (RuntimeException e) {
        throw new AssertionError("generated spec does not parse:\n" + text, e);
      }
      String what = "spec " + t + ":\n" + text;
      compareOps(() -> PreparedOp.evaluate(f), 4, 300, t, what + " evaluate");
      compareOps(() -> PreparedOp.jacobian(f, Backend.reverse(), Engine.Wrt.inputs()), 4, 300, t, what + " reverse");
      compareOps(() -> PreparedOp.jacobian(f, Backend.forward(), Engine.Wrt.inputs()), 4, 300, t, what + " forward");
      compareOps(() -> PreparedOp.vjp(f, Engine.Wrt.inputs()), 4, 300, t, what + " vjp");
    }
  }

  static Path examples() {
    for (Path p : new Path[] {Path.of("../conf/examples"), Path.of("conf/examples")}) {
      if (Files.isDirectory(p)) {
        return p;
      }
    }
    throw new AssertionError("conf/examples not found");
  }

  private static Graph example(String name) {
    return SpecParser.parseFile(examples().resolve(name)).graph();
  }

  @Test
  void shippedWorkloads() {
    Graph borehole = example("borehole.fn");
    compareOps(() -> PreparedOp.jacobian(borehole, Backend.reverse(), Engine.Wrt.inputs()), 8, 2000, 1, "borehole");
    Graph ishigami = example("ishigami.fn");
    compareOps(() -> PreparedOp.jacobian(ishigami, Backend.auto(), Engine.Wrt.inputs()), 3, 2000, 2, "ishigami");
    compareOps(() -> PreparedOp.hessian(ishigami, Backend.auto(), Engine.Wrt.inputs()), 3, 500, 3, "ishigami hessian");
    Graph mlp = example("mlp.fn");
    compareOps(() -> PreparedOp.jacobian(mlp, Backend.reverse(), Engine.Wrt.inputs()), 16, 600, 4, "mlp reverse");
    compareOps(() -> PreparedOp.jacobian(mlp, Backend.forward(), Engine.Wrt.inputs()), 16, 600, 5, "mlp forward");
    compareOps(() -> PreparedOp.jvp(mlp, Engine.Wrt.inputs()), 16, 600, 6, "mlp jvp");
    compareOps(() -> PreparedOp.vjp(mlp, Engine.Wrt.inputs()), 16, 600, 6, "mlp vjp");
    Graph pinn = example("pinn_heat.fn");
    int pinnWidth = pinn.inputs().stream().mapToInt(n -> n.shape().size()).sum();
    compareOps(() -> PreparedOp.jacobian(pinn, Backend.auto(), Engine.Wrt.params("W1", "b1", "W2", "b2", "W3", "b3")),
        pinnWidth, 300, 7, "pinn_heat");
    Graph penalty = example("jacobian_penalty.fn");
    compareOps(() -> PreparedOp.jacobian(penalty, Backend.auto(), Engine.Wrt.params("W1")), 16, 100, 8,
        "jacobian_penalty");
    for (String name : new String[] {"gfunction.fn", "hvp.fn", "scalar_mlp.fn", "wide.fn"}) {
      Graph g = example(name);
      int width = g.inputs().stream().mapToInt(n -> n.shape().size()).sum();
      compareOps(() -> PreparedOp.jacobian(g, Backend.auto(), Engine.Wrt.inputs()), width, 200, 9, name);
    }
  }
}
