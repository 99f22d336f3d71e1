package io.batchjac.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Operation;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.exec.RowProgram;
import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.PowConst;
import io.batchjac.engine.ir.Unary;
import io.batchjac.engine.lang.SpecParser;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Row programs (generated straight-line code per sample, {@link RowProgram}) against the
 * step-by-step interpreter, bitwise: every primitive with NaN, infinities, signed zeros,
 * subnormals and strong zeros, every broadcasting layout; every shipped example and every
 * operation on it; random specs (FusionTest's generator); one row at a time and batches of several
 * sizes on 1 and 2 threads; plans without a row program; one compilation per operation.
 */
class RowProgramTest {
  private static final Executor[] EXECUTORS = {new Executor(1, 64), new Executor(2, 1 << 16), new Executor(2, 333)};

  /** {@code make} with the system property batchjac.rowcode set to {@code mode} while it constructs. */
  private static PreparedOp with(String mode, Supplier<PreparedOp> make) {
    String before = System.getProperty("batchjac.rowcode");
    try {
      System.setProperty("batchjac.rowcode", mode);
      return make.get();
    } finally {
      if (before == null) {
        System.clearProperty("batchjac.rowcode");
      } else {
        System.setProperty("batchjac.rowcode", before);
      }
    }
  }

  /**
   * Equal bits, NaNs aside: like FusionTest, any NaN equals any NaN (Java does not fix the sign and
   * payload of a NaN result: the JIT may swap the operands of + and *, and SSE then propagates the
   * other operand's NaN; the interpreter's own vectorized and scalar loops differ the same way).
   */
  private static void assertBitwise(double[] want, double[] got, String what) {
    assertEquals(want.length, got.length, what + ": lengths");
    for (int i = 0; i < want.length; i++) {
      if (Double.doubleToLongBits(want[i]) != Double.doubleToLongBits(got[i])) {
        throw new AssertionError(what + ": value " + i + " interpreter " + want[i] + " (0x"
            + Long.toHexString(Double.doubleToRawLongBits(want[i])) + ") row program " + got[i] + " (0x"
            + Long.toHexString(Double.doubleToRawLongBits(got[i])) + ")");
      }
    }
  }

  /**
   * Compares the interpreter ({@code off}) with row programs for every batch ({@code always}) and
   * the default rule ({@code auto}) on batches of the given sizes, and one row at a time.
   *
   * @return how many passes of the operation have a row program (when asked for every size)
   */
  private static int compare(Supplier<PreparedOp> make, int width, long seed, boolean specialsOnly, String what,
      int... batches) {
    PreparedOp interpreter = with("off", make);
    PreparedOp rows = with("always", make);
    PreparedOp auto = with("auto", make);
    SplittableRandom r = new SplittableRandom(seed);
    for (int batch : batches) {
      double[] x = new double[width * batch];
      for (int i = 0; i < x.length; i++) {
        x[i] = specialsOnly || r.nextInt(20) == 0 ? FusionTest.special(r) : r.nextDouble(-2, 2);
      }
      int ew = interpreter.extraWidth();
      double[] extra = ew == 0 ? null : new double[ew * batch];
      if (extra != null) {
        for (int i = 0; i < extra.length; i++) {
          extra[i] = specialsOnly ? FusionTest.special(r) : r.nextInt(10) == 0 ? 0.0 : r.nextDouble(-1, 1);
        }
      }
      for (Executor ex : EXECUTORS) {
        double[] want = interpreter.run(ex, x, width, extra, batch);
        String at = what + " batch " + batch + " threads " + ex.threads();
        assertBitwise(want, rows.run(ex, x, width, extra, batch), at + " (always)");
        assertBitwise(want, auto.run(ex, x, width, extra, batch), at + " (auto)");
      }
      for (int s = 0; s < Math.min(batch, 5); s++) {
        double[] xs = Arrays.copyOfRange(x, s * width, (s + 1) * width);
        double[] es = extra == null ? null : Arrays.copyOfRange(extra, s * ew, (s + 1) * ew);
        assertBitwise(interpreter.run(EXECUTORS[0], xs, width, es, 1), auto.run(EXECUTORS[0], xs, width, es, 1),
            what + " one row, sample " + s);
      }
    }
    return rows.rowProgramPasses();
  }

  private static int width(Graph g) {
    return g.inputs().stream().mapToInt(n -> n.shape().size()).sum();
  }

  private static int compareEvaluate(Graph g, String what) {
    return compare(() -> PreparedOp.evaluate(g), width(g), what.hashCode(), true, what, 1, 3, 1100);
  }

  // ------------------------------------------------------------------ primitives

  @Test
  void everyUnaryPrimitiveAndConstantPower() {
    for (Unary u : Elementwise.unaries().values()) {
      GraphBuilder b = new GraphBuilder();
      Node x = b.input("x", Shape.of(5));
      Node y = b.input("y", Shape.of(5));
      Node v = b.apply(u, b.add(x, y));
      b.output("v", v);
      b.output("w", b.zmul(b.apply(u, b.neg(x)), v));
      assertEquals(1, compareEvaluate(b.build(), u.name()), u.name() + ": no row program");
    }
    for (double c : new double[] {0, 1, 2, 3, 4, 5, -1, -2, -3, 7, 8, 0.5, -0.5, 9, 2.5, -1.5}) {
      GraphBuilder b = new GraphBuilder();
      Node x = b.input("x", Shape.of(5));
      Node y = b.input("y", Shape.of(5));
      b.output("v", b.sub(b.apply(new PowConst(c), b.mul(x, y)), y));
      assertEquals(1, compareEvaluate(b.build(), "^" + c));
    }
  }

  @Test
  void sineAndCosineOfOneOperand() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(5));
    Node y = b.input("y", Shape.of(5));
    Node s = b.mul(x, y);
    b.output("s", b.sin(s));
    b.output("c", b.cos(s));
    b.output("t", b.tanh(b.sub(s, x)));
    assertEquals(1, compareEvaluate(b.build(), "sin and cos"));
  }

  @Test
  void everyBinaryPrimitiveInEveryLayout() {
    double[] scalars = {0.0, -0.0, 2.5, -1, Double.MIN_VALUE, Double.POSITIVE_INFINITY, Double.NaN};
    for (Binary op : Elementwise.binaries().values()) {
      for (double s : scalars) {
        GraphBuilder b = new GraphBuilder();
        Node x = b.input("x", Shape.of(5));
        Node y = b.input("y", Shape.of(5));
        Node m = b.input("m", Shape.of(2, 5));
        Node t = b.input("t", Shape.of());
        Node c = b.constant(Tensor.scalar(s));
        Node row = b.constant(Tensor.of(Shape.of(5), new double[] {s, 1.5, -0.0, 3, s}));
        Node finiteRow = b.constant(Tensor.of(Shape.of(5), new double[] {0.0, 1.5, -2, 3, -0.0}));
        Node nx = b.neg(x);
        b.output("vv", b.apply(op, nx, b.neg(y)));
        b.output("vs", b.apply(op, b.neg(nx), c));
        b.output("sv", b.neg(b.apply(op, c, nx)));
        b.output("same", b.apply(op, nx, nx));
        b.output("suffix", b.apply(op, b.neg(m), y));              // a (2,5) with a repeating (5)
        b.output("suffixLeft", b.apply(op, y, b.neg(m)));
        b.output("scalar", b.apply(op, b.neg(m), t));              // a per-sample scalar repeated
        b.output("scalarLeft", b.apply(op, t, b.neg(m)));
        b.output("constRow", b.apply(op, b.neg(m), row));          // a repeating constant with inf/NaN
        b.output("finiteRow", b.apply(op, b.neg(m), finiteRow));   // a repeating finite constant
        b.output("outer", b.apply(op, b.reshape(x, Shape.of(5, 1)), b.reshape(b.neg(m), Shape.of(1, 10))));
        b.output("outerLeft", b.apply(op, b.reshape(b.neg(m), Shape.of(1, 10)), b.reshape(y, Shape.of(5, 1))));
        b.output("gather", b.apply(op, b.reshape(b.neg(m), Shape.of(2, 1, 5)), b.reshape(y, Shape.of(5, 1))));
        assertEquals(1, compareEvaluate(b.build(), op.name() + " with " + s));
      }
    }
  }

  @Test
  void structuralSteps() {
    GraphBuilder b = new GraphBuilder();
    Node m = b.input("m", Shape.of(2, 5));
    Node big = b.input("big", Shape.of(3, 20));
    Node x = b.input("x", Shape.of(5));
    Node nm = b.neg(m);
    b.output("sum0", b.sum(nm, 0));
    b.output("sum1", b.sum(nm, 1));
    b.output("sumAll", b.sum(b.neg(big)));
    b.output("transpose", b.transpose(nm));
    b.output("where", b.where(b.gt(nm, b.scalar(0)), b.exp(nm), x));
    b.output("concat0", b.concat(0, nm, b.reshape(x, Shape.of(1, 5))));
    b.output("concat1", b.concat(1, b.neg(big), b.neg(big)));   // runs of 20 values: copied
    b.output("slice", b.slice(b.neg(big), new int[] {1, 2}, new int[] {3, 19}));
    b.output("pad", b.pad(nm, new int[] {1, 0}, Shape.of(4, 6)));
    b.output("index", b.index(nm, 1, 3));
    assertEquals(1, compareEvaluate(b.build(), "structural steps"));
  }

  // ------------------------------------------------------------------ whole operations

  /** Every operation that applies to f, with every backend for Jacobians. */
  private static List<Operation> operations(Graph f) {
    List<Operation> ops = new ArrayList<>(List.of(Operation.EVALUATE, Operation.JVP, Operation.VJP, Operation.JACOBIAN));
    if (f.outputSize() == 1) {
      ops.add(Operation.GRADIENT);
      if (f.inputSize() <= 64) {
        ops.add(Operation.HESSIAN);
      }
    }
    return ops;
  }

  @Test
  void everyShippedExampleAndOperation() throws IOException {
    List<String> withRows = new ArrayList<>();
    try (Stream<Path> files = Files.list(FusionTest.examples())) {
      for (Path p : files.filter(q -> q.toString().endsWith(".fn")).sorted().toList()) {
        Graph f = SpecParser.parseFile(p).graph();
        int width = width(f);
        int per = Math.max(1, f.outputSize() * f.inputSize());
        int batch = Math.max(3, Math.min(1100, 100_000 / per));
        for (Operation op : operations(f)) {
          for (Backend backend : op == Operation.JACOBIAN ? List.of(Backend.forward(), Backend.reverse())
              : List.of(Backend.auto())) {
            String what = p.getFileName() + " " + op.label() + " " + backend;
            int rows = compare(() -> op.prepare(f, backend, Engine.Wrt.inputs()), width, what.hashCode(), false, what,
                1, batch);
            if (rows > 0) {
              withRows.add(what);
            }
          }
        }
      }
    }
    for (String name : new String[] {"borehole.fn", "ishigami.fn", "gfunction.fn"}) {
      assertTrue(withRows.stream().filter(w -> w.startsWith(name)).count() >= 6,
          name + " should run as row programs for every operation, did for " + withRows);
    }
  }

  @Test
  void randomSpecsAndTheirDerivatives() {
    SplittableRandom r = new SplittableRandom(41);
    for (int t = 0; t < 15; t++) {
      String text = FusionTest.randomSpec(r);
      Graph f = SpecParser.parseInline(text).graph();
      String what = "spec " + t + ":\n" + text;
      for (Operation op : operations(f)) {
        int rows = compare(() -> op.prepare(f, Backend.auto(), Engine.Wrt.inputs()), 4, t, false, what + op.label(),
            1, 7, 1500);
        assertEquals(1, rows, what + op.label() + ": no row program");
      }
      assertEquals(1, compare(() -> PreparedOp.jacobian(f, Backend.forward(), Engine.Wrt.inputs()), 4, t, false,
          what + "forward jacobian", 1, 300));
    }
  }

  // ------------------------------------------------------------------ fallback and caching

  @Test
  void aPlanWithMatrixProductsKeepsTheInterpreter() {
    Graph mlp = SpecParser.parseFile(FusionTest.examples().resolve("mlp.fn")).graph();
    Supplier<PreparedOp> make = () -> PreparedOp.jacobian(mlp, Backend.reverse(), Engine.Wrt.inputs());
    assertEquals(0, compare(make, width(mlp), 3, false, "mlp", 1, 40));
    assertEquals(0, with("always", make).rowProgramPasses());
  }

  @Test
  void byDefaultOnlyClosedFormOperationsUseRowPrograms() {
    Graph small = SpecParser.parseInline("input x[8]; output y = sum(log(x) * x^2)").graph();
    Graph large = SpecParser.parseInline("input x[9]; output y = sum(log(x) * x^2)").graph();
    Supplier<PreparedOp> smallGradient = () -> Operation.GRADIENT.prepare(small, Backend.auto(), Engine.Wrt.inputs());
    Supplier<PreparedOp> largeGradient = () -> Operation.GRADIENT.prepare(large, Backend.auto(), Engine.Wrt.inputs());
    assertEquals(1, with("auto", smallGradient).rowProgramPasses());
    assertEquals(0, with("auto", largeGradient).rowProgramPasses(), "9 values per sample: the interpreter");
    assertEquals(1, with("always", largeGradient).rowProgramPasses());
    assertEquals(0, with("off", smallGradient).rowProgramPasses());
    assertEquals(1, compare(largeGradient, 9, 5, false, "x[9] gradient", 1, 300));
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> with("sometimes", smallGradient));
    assertEquals("system property batchjac.rowcode must be auto, off or always, got 'sometimes'", e.getMessage());
  }

  @Test
  void theRowProgramIsCompiledOncePerOperation() {
    Graph f = SpecParser.parseFile(FusionTest.examples().resolve("borehole.fn")).graph();
    PreparedOp op = with("auto", () -> Operation.GRADIENT.prepare(f, Backend.auto(), Engine.Wrt.inputs()));
    double[] x = {0.1, 1000, 80000, 1000, 90, 800, 1400, 10000};
    long before = RowProgram.compiled();
    double[] first = op.run(EXECUTORS[0], x, 8, null, 1);
    for (int i = 0; i < 200; i++) {
      assertBitwise(first, op.run(EXECUTORS[0], x, 8, null, 1), "call " + i);
    }
    double[] many = new double[8 * 3000];
    for (int s = 0; s < 3000; s++) {
      System.arraycopy(x, 0, many, 8 * s, 8);
    }
    op.run(EXECUTORS[1], many, 8, null, 3000);
    assertEquals(1, op.rowProgramPasses());
    assertEquals(1, RowProgram.compiled() - before, "compilations of row programs");
  }
}
