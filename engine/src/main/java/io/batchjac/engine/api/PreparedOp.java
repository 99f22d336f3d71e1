package io.batchjac.engine.api;

import io.batchjac.engine.ad.DerivativeGraph;
import io.batchjac.engine.exec.Binding;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.exec.Plan;
import io.batchjac.engine.exec.RowProgram;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import java.util.ArrayList;
import java.util.List;

/**
 * One engine operation on one function, derived and compiled ONCE, then run on any number of
 * batches: what {@link Engine} does on every call, kept for reuse (Spark SQL functions run it
 * per row, jobs per partition). Immutable and thread-safe: every run gets its own buffers.
 *
 * <p>Layouts are the facade's: per-sample input rows of N values (x) and of
 * {@link #extraWidth()} values (the tangent u of a JVP, the cotangent v of a VJP); results are
 * blocks of {@link #outPerSample()} values per sample, batch last in Fortran order: evaluate and
 * jvp (M, B), vjp (N, B), jacobian (M, N, B), hessian (N, N, B).
 *
 * <p><b>Row programs.</b> Besides the interpreter (an {@link Executor} stepping each pass's
 * {@link Plan} over chunks of samples), a pass may run as a {@link RowProgram}: generated
 * straight-line code computing one sample, bitwise the interpreter's values. It is generated and
 * compiled once per operation, the first time a run needs it, and used for <em>closed-form</em>
 * operations: those whose passes' per-sample values all have at most {@link #ROW_MAX_SIZE}
 * values (Borehole, Ishigami, the G-function and their derivatives), for runs of one sample (what
 * the SQL functions do: tens of nanoseconds instead of about 1 us for the Borehole gradient) and for batches (a
 * loop over blocks of samples instead of the interpreter's passes over memory). Measured in
 * docs/fusion.md, section "Row programs": with larger per-sample tensors (16 or 64 values) the
 * unrolled code was slower than the interpreter's vectorized steps, one row as well as batches.
 * Plans with matrix products (BLAS) have no row program and always run in the interpreter. The
 * system property {@code batchjac.rowcode} ({@code auto}, the default, as above; {@code off}: the
 * interpreter only; {@code always}: row programs wherever the plan allows, whatever its sizes,
 * for tests and measurements) is read when the operation is constructed.
 */
public final class PreparedOp {
  /** One compiled graph and how its pieces are placed in the result block. */
  private record Pass(Plan plan, DerivativeGraph graph, boolean columns, int base, int rowStride, int k) {}

  /**
   * Runs use row programs when every per-sample value of every pass's plan has at most this many
   * values (see the class comment and docs/fusion.md).
   */
  public static final int ROW_MAX_SIZE = 8;

  /** When runs use row programs: {@code batchjac.rowcode} = auto, off or always. */
  private enum RowMode { AUTO, OFF, ALWAYS }

  /**
   * Builds an operation's passes: without f's values, or with them as extra outputs of the first
   * pass ({@link DerivativeGraph#values()}).
   */
  @FunctionalInterface
  private interface Recipe {
    List<Pass> passes(boolean withValues);
  }

  private final List<Pass> passes;
  private final int outPerSample;
  private final int extraWidth;
  /** The function differentiated (its values are what {@link #runInto(Executor, double[], int, double[], int, double[], double[])} adds). */
  private final Graph f;
  /** How to compile this operation again with f's values in its first pass; null where it cannot (hessian, evaluate). */
  private final Recipe recipe;
  /** In the values variant ({@link #withValues}): the operation without values; else null. */
  private final PreparedOp base;
  /**
   * What gives f's values on runs that want them, once one asked (compiled on first use): this
   * operation's values variant (its {@link #base} is this), or {@link #evaluate} of f.
   */
  private volatile PreparedOp valuesVariant;
  private final long gemmFlopsPerSample;
  /**
   * True when runs use row programs: {@code batchjac.rowcode} is always, or auto and every pass's
   * per-sample values are small (closed form).
   */
  private final boolean useRows;
  /**
   * True when the passes write every value of a sample's block (no identically zero piece), so
   * {@link #runInto} need not clear the caller's buffer first.
   */
  private final boolean writesAll;
  /** Per pass, its row program or null; null until a run first needs them. */
  private volatile RowProgram[] rowPrograms;

  private PreparedOp(Graph f, Recipe recipe, int outPerSample, int extraWidth) {
    this(f, recipe, recipe.passes(false), outPerSample, extraWidth, null);
  }

  private PreparedOp(Graph f, List<Pass> passes, int outPerSample, int extraWidth) {
    this(f, null, passes, outPerSample, extraWidth, null);
  }

  private PreparedOp(Graph f, Recipe recipe, List<Pass> passes, int outPerSample, int extraWidth, PreparedOp base) {
    this.f = f;
    this.recipe = recipe;
    this.base = base;
    this.passes = passes;
    this.outPerSample = outPerSample;
    this.extraWidth = extraWidth;
    boolean closedForm = true;
    for (Pass p : passes) {
      closedForm &= p.plan() == null || p.plan().maxSampleSize() <= ROW_MAX_SIZE;
    }
    RowMode mode = rowMode();
    // row programs write one array: a variant with f's values in its passes keeps the interpreter
    this.useRows = base == null && (mode == RowMode.ALWAYS || (mode == RowMode.AUTO && closedForm));
    long flops = 0;
    for (Pass p : passes) {
      flops += p.plan() == null ? 0 : p.plan().gemmFlopsPerSample();
    }
    this.gemmFlopsPerSample = flops;
    this.writesAll = coversBlock();
  }

  /** True when runs write every value of the result (no identically zero piece); for tests. */
  boolean writesAll() {
    return writesAll;
  }

  /** Blocks larger than this are cleared before a run without looking at what the passes write. */
  private static final int COVERAGE_CHECK_MAX = 1 << 24;

  /** Whether the passes' output pieces together cover every value of a sample's block. */
  private boolean coversBlock() {
    if (outPerSample > COVERAGE_CHECK_MAX) {
      return false;
    }
    boolean[] written = new boolean[outPerSample];
    int count = 0;
    for (Pass p : passes) {
      if (p.plan() == null) {
        continue;
      }
      for (Binding b : outputBindings(p, null)) {
        for (int r = 0; r < b.rows(); r++) {
          for (int c = 0; c < b.rowLen(); c++) {
            int i = b.offset() + r * b.rowStride() + c;
            if (!written[i]) {
              written[i] = true;
              count++;
            }
          }
        }
      }
    }
    return count == outPerSample;
  }

  /** Values per sample in the result. */
  public int outPerSample() {
    return outPerSample;
  }

  /** Values per sample of the extra argument (tangent or cotangent); 0 when there is none. */
  public int extraWidth() {
    return extraWidth;
  }

  /** Floating-point operations per sample in matrix products (all passes). */
  public long gemmFlopsPerSample() {
    return gemmFlopsPerSample;
  }

  // ------------------------------------------------------------------ constructions

  /** f itself: (M, B). */
  public static PreparedOp evaluate(Graph f) {
    int m = f.outputSize();
    DerivativeGraph g = DerivativeGraph.identity(f);
    return new PreparedOp(f, List.of(rows(g, 0, m)), m, 0);
  }

  /** J u per sample, forward mode: (M, B); u has N values per sample. */
  public static PreparedOp jvp(Graph f, Engine.Wrt wrt) {
    List<Node> leaves = wrt.leaves(f);
    int m = f.outputSize();
    return new PreparedOp(f, values -> List.of(rows(DerivativeGraph.jvp(f, leaves, values), 0, m)), m,
        Engine.Wrt.size(leaves));
  }

  /** J^T v per sample, reverse mode: (N, B); v has M values per sample. */
  public static PreparedOp vjp(Graph f, Engine.Wrt wrt) {
    List<Node> leaves = wrt.leaves(f);
    int n = Engine.Wrt.size(leaves);
    return new PreparedOp(f, values -> List.of(rows(DerivativeGraph.vjp(f, leaves, values), 0, n)), n, f.outputSize());
  }

  /** Per-sample Jacobians: (M, N, B), by forward or reverse blocks of directions. */
  public static PreparedOp jacobian(Graph f, Backend backend, Engine.Wrt wrt) {
    return jacobian(f, wrt.leaves(f), backend);
  }

  /** Per-sample Hessians of a one-value function: (N, N, B), forward over reverse. */
  public static PreparedOp hessian(Graph f, Backend backend, Engine.Wrt wrt) {
    if (f.outputSize() != 1) {
      throw new IllegalArgumentException("hessian needs a function with exactly one output value, but f has "
          + f.outputSize() + " (outputs " + f.outputShapes() + ")");
    }
    List<Node> leaves = wrt.leaves(f);
    Graph grad = DerivativeGraph.gradientGraph(f, leaves);
    int n = Engine.Wrt.size(leaves);
    // f's value is not an output of the gradient graph: a run that wants it evaluates f separately
    return new PreparedOp(f, jacobianPasses(grad, Engine.Wrt.sameLeaves(grad, f, leaves),
        new Backend(Backend.Kind.FORWARD, backend.chunk()), false), n * n, 0);
  }

  private static PreparedOp jacobian(Graph f, List<Node> leaves, Backend backend) {
    int n = Engine.Wrt.size(leaves);
    int m = f.outputSize();
    return new PreparedOp(f, values -> jacobianPasses(f, leaves, backend, values), m * n, 0);
  }

  /** The passes of f's Jacobian; f's values come out of the first when {@code withValues}. */
  private static List<Pass> jacobianPasses(Graph f, List<Node> leaves, Backend backend, boolean withValues) {
    int n = Engine.Wrt.size(leaves);
    int m = f.outputSize();
    List<Pass> passes = new ArrayList<>();
    if (backend.resolve(n, m) == Backend.Kind.FORWARD) {
      int k = backend.chunkFor(n);
      for (int k0 = 0; k0 < n; k0 += k) {
        // per sample the block is K rows (directions) of M values: rows n = k0..k0+K-1 of J^T
        DerivativeGraph g = DerivativeGraph.forwardJacobianBlock(f, leaves, k0, Math.min(k, n - k0), withValues && k0 == 0);
        passes.add(rows(g, k0 * m, m));
      }
    } else {
      int k = backend.chunkFor(m);
      for (int m0 = 0; m0 < m; m0 += k) {
        int kk = Math.min(k, m - m0);
        // per sample the block is N rows of K values (the transposed rows m0..m0+K-1 of J)
        DerivativeGraph g = DerivativeGraph.reverseJacobianBlock(f, leaves, m0, kk, withValues && m0 == 0);
        passes.add(new Pass(plan(g), g, true, m0, m, kk));
      }
    }
    return passes;
  }

  private static Pass rows(DerivativeGraph g, int base, int rowStride) {
    return new Pass(plan(g), g, false, base, rowStride, 0);
  }

  private static Plan plan(DerivativeGraph g) {
    return g.graph() == null ? null : Plan.compile(g.graph(), g.outputs());
  }

  // ------------------------------------------------------------------ running

  /**
   * Computes {@code batch} samples.
   *
   * @param x {@code batch} rows of the function's N input values, back to back
   * @param xWidth N
   * @param extra {@code batch} rows of {@link #extraWidth()} values, or null when there are none
   * @return {@code batch} blocks of {@link #outPerSample()} values (zero where a derivative is
   *     identically zero)
   */
  public double[] run(Executor executor, double[] x, int xWidth, double[] extra, int batch) {
    double[] out = new double[outPerSample * batch];
    compute(executor, x, xWidth, extra, batch, out, null); // a new array is zero already
    return out;
  }

  /**
   * As {@link #run}, into {@code out} (at least {@code batch * outPerSample()} long; its first
   * {@code batch * outPerSample()} values are overwritten, the rest untouched): lets a caller that
   * computes block after block reuse one buffer. The buffer is cleared first only when some piece
   * of the result is identically zero (not written by any pass); a dense result is written once.
   */
  public void runInto(Executor executor, double[] x, int xWidth, double[] extra, int batch, double[] out) {
    prepareOut(out, batch);
    compute(executor, x, xWidth, extra, batch, out, null);
  }

  /**
   * As {@link #runInto(Executor, double[], int, double[], int, double[])}, and f's own values into
   * {@code values} ({@code batch} rows of f's M output values, back to back; at least
   * {@code batch * M} long), or not when it is null. The values come out of the derivative's own
   * pass where the operation allows (jvp, vjp, jacobian, gradient: the forward pass is computed
   * once), else from a separate evaluation of f (hessian, evaluate, row programs); either way they
   * are the same bits as {@link #evaluate}'s. The operation with values is compiled on the first
   * such run and kept.
   */
  public void runInto(Executor executor, double[] x, int xWidth, double[] extra, int batch, double[] out,
      double[] values) {
    if (values == null) {
      runInto(executor, x, xWidth, extra, batch, out);
      return;
    }
    int needed = f.outputSize() * batch;
    if (values.length < needed) {
      throw new IllegalArgumentException("values buffer holds " + values.length + " values, " + needed + " needed");
    }
    PreparedOp v = withValues();
    if (v.base == null) { // f evaluated by itself
      runInto(executor, x, xWidth, extra, batch, out);
      v.runInto(executor, x, xWidth, null, batch, values);
      return;
    }
    v.prepareOut(out, batch);
    v.compute(executor, x, xWidth, extra, batch, out, values);
  }

  /**
   * Whether runs that also want f's values get them from this operation's own pass (true: jvp, vjp,
   * jacobian and gradient in the interpreter) or from a separate evaluation of f (false: hessian,
   * evaluate, row programs). Compiles the operation with values if not done yet.
   */
  public boolean valuesFromOwnPass() {
    return withValues().base != null;
  }

  /** This operation with f's values alongside (see {@link #runInto(Executor, double[], int, double[], int, double[], double[])}). */
  private PreparedOp withValues() {
    PreparedOp v = valuesVariant;
    if (v == null) {
      synchronized (this) {
        v = valuesVariant;
        if (v == null) {
          v = recipe == null || useRows
              ? evaluate(f)
              : new PreparedOp(f, null, recipe.passes(true), outPerSample, extraWidth, this);
          valuesVariant = v;
        }
      }
    }
    return v;
  }

  /** Checks that {@code out} holds {@code batch} results and clears them unless every value is written. */
  private void prepareOut(double[] out, int batch) {
    int needed = outPerSample * batch;
    if (out.length < needed) {
      throw new IllegalArgumentException("output buffer holds " + out.length + " values, " + needed + " needed");
    }
    if (!writesAll) {
      java.util.Arrays.fill(out, 0, needed, 0.0); // pieces that are identically zero are not written
    }
  }

  /**
   * Runs every pass into {@code out}, whose pieces that are identically zero must be zero already,
   * and f's values into {@code values} (in a values variant; else null).
   */
  private void compute(Executor executor, double[] x, int xWidth, double[] extra, int batch, double[] out,
      double[] values) {
    RowProgram[] rows = useRows ? rowPrograms() : null;
    for (int pass = 0; pass < passes.size(); pass++) {
      Pass p = passes.get(pass);
      if (p.plan() == null) {
        continue; // every piece identically zero
      }
      RowProgram row = rows == null ? null : rows[pass];
      if (row != null && batch == 1) {
        row.row(x, 0, extra, 0, out, 0);
        continue;
      }
      if (row != null) {
        row.runBatch(executor, batch, x, xWidth, extra, extraWidth, out, outPerSample);
        continue;
      }
      RowProgram.Input[] places = inputPlaces(p.graph());
      Binding[] in = new Binding[places.length];
      for (int i = 0; i < in.length; i++) {
        int size = p.graph().graph().inputs().get(i).shape().size();
        in[i] = places[i].extra() ? Binding.contiguous(extra, places[i].offset(), extraWidth, size)
            : Binding.contiguous(x, places[i].offset(), xWidth, size);
      }
      List<Binding> ob = outputBindings(p, out);
      for (DerivativeGraph.Piece v : p.graph().values()) {
        ob.add(new Binding(values, v.offset(), f.outputSize(), 1, v.len(), v.len()));
      }
      if (Boolean.getBoolean("batchjac.printPlans")) {
        System.err.print("plan: " + p.plan().stepCount() + " steps, " + p.plan().gemmFlopsPerSample()
            + " GEMM flops per sample\n" + p.plan().describe());
      }
      executor.run(p.plan(), batch, in, ob.toArray(new Binding[0]));
    }
  }

  /** Where each graph input of a pass is read: the extra row (tangent, cotangent) or x, at an offset. */
  private static RowProgram.Input[] inputPlaces(DerivativeGraph g) {
    List<Node> inputs = g.graph().inputs();
    RowProgram.Input[] places = new RowProgram.Input[inputs.size()];
    int xOff = 0;
    int eOff = 0;
    for (int i = 0; i < places.length; i++) {
      Node node = inputs.get(i);
      int size = node.shape().size();
      if (DerivativeGraph.isExtra(node)) {
        places[i] = new RowProgram.Input(true, eOff);
        eOff += size;
      } else {
        places[i] = new RowProgram.Input(false, xOff);
        xOff += size;
      }
    }
    return places;
  }

  /** Where a pass's outputs go in {@code out} (null: only the places within a sample's block matter). */
  private List<Binding> outputBindings(Pass p, double[] out) {
    return p.columns()
        ? bindColumns(p.graph(), out, p.base(), outPerSample, p.rowStride(), p.k())
        : bindRows(p.graph(), out, p.base(), outPerSample, p.rowStride());
  }

  private static RowMode rowMode() {
    String v = System.getProperty("batchjac.rowcode", "auto");
    try {
      return RowMode.valueOf(v.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("system property batchjac.rowcode must be auto, off or always, got '" + v + "'");
    }
  }

  /** Per pass its row program (null where its plan has none), generated and compiled on first use. */
  private RowProgram[] rowPrograms() {
    RowProgram[] r = rowPrograms;
    if (r == null) {
      synchronized (this) {
        r = rowPrograms;
        if (r == null) {
          r = new RowProgram[passes.size()];
          for (int i = 0; i < r.length; i++) {
            Pass p = passes.get(i);
            if (p.plan() != null) {
              // a fused plan's groups are opaque to the generator: it reads the unfused plan
              Plan plan = p.plan().fused() ? Plan.compile(p.graph().graph(), p.graph().outputs(), false) : p.plan();
              r[i] = RowProgram.compile(plan, inputPlaces(p.graph()), outputBindings(p, null).toArray(new Binding[0]));
            }
          }
          rowPrograms = r;
        }
      }
    }
    return r;
  }

  /**
   * How many of this operation's passes run as row programs (compiling them if not yet done): 0
   * when every pass keeps the interpreter (plans with matrix products, or not closed-form).
   */
  public int rowProgramPasses() {
    if (!useRows) {
      return 0;
    }
    int n = 0;
    for (RowProgram r : rowPrograms()) {
      n += r == null ? 0 : 1;
    }
    return n;
  }

  /** Bindings for pieces of {@code rows} rows of {@code len}: rows {@code rowStride} apart. */
  private static List<Binding> bindRows(DerivativeGraph g, double[] out, int base, int sampleStride, int rowStride) {
    List<Binding> b = new ArrayList<>();
    for (DerivativeGraph.Piece p : g.pieces()) {
      b.add(new Binding(out, base + p.offset(), sampleStride, p.rows(), p.len(), rowStride));
    }
    return b;
  }

  /** Bindings for transposed pieces ({@code len} rows of {@code k}): row j at {@code (offset + j) * rowStride}. */
  private static List<Binding> bindColumns(DerivativeGraph g, double[] out, int base, int sampleStride, int rowStride,
      int k) {
    List<Binding> b = new ArrayList<>();
    for (DerivativeGraph.Piece p : g.pieces()) {
      b.add(new Binding(out, base + p.offset() * rowStride, sampleStride, p.len(), k, rowStride));
    }
    return b;
  }
}
