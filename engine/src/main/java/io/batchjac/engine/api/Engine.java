package io.batchjac.engine.api;

import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's facade: per-sample values, JVPs, VJPs, batched Jacobians, gradients and Hessians
 * of a per-sample function over a batch (Lux's {@code jacobian_vector_product},
 * {@code vector_jacobian_product}, {@code batched_jacobian}).
 *
 * <p>Layouts. The per-sample input is the function's inputs flattened and concatenated (N
 * values); {@code x} is C-order {@code (B, N)} or Fortran-order {@code (N, B)} (same memory).
 * Results use the batch-LAST Fortran layout, sample b's block contiguous:
 * <pre>
 *   evaluate  (M, B)      jvp (M, B)      vjp (N, B)      gradient (N, B)
 *   jacobian  (M, N, B)   J[m, n, b] = d f_m / d x_n at sample b, offset m + M*n + M*N*b
 *   hessian   (N, N, B)
 * </pre>
 * With {@code wrt} naming parameters, N is the total size of those parameters instead and the
 * derivatives are per-sample parameter derivatives.
 *
 * <p>Reductions over the batch: {@link #reduced reduced(Reduce.SUM or MEAN)} returns an engine
 * whose operations give the sum or the mean over the samples instead, without the batch axis:
 * <pre>
 *   evaluate  (M)   jvp (M)   vjp (N)   gradient (N)   jacobian (M, N)   hessian (N, N)
 *   Tensor g = engine.reduced(Reduce.MEAN).batchedJacobian(f, Backend.auto(), Engine.Wrt.params("W1"), x);
 * </pre>
 * summed in fixed blocks of samples merged in a fixed tree ({@link io.batchjac.engine.stats.BatchSum}:
 * bitwise the same for any thread count, chunk size, and as the Spark jobs' {@code --reduce});
 * the mean is that sum divided by B, one correctly rounded division per value ({@link Reduce}).
 * Only one block of per-sample results is held at a time, so the batch may exceed the 2^31
 * values a per-sample result can hold.
 *
 * <p>Accuracy: derivatives are exact up to floating-point rounding (no finite differences);
 * forward and reverse mode agree to rounding. Results are bitwise independent of the thread
 * count and chunk size.
 */
public final class Engine {
  private final Executor executor;
  private final java.util.concurrent.atomic.AtomicLong gemmFlops;
  /** The reduction over the batch, or null for per-sample results. */
  private final Reduce reduce;
  /** Operations compiled so far, reused by later calls on the same function. */
  private final PreparedOps prepared;

  public Engine(Executor executor) {
    this(executor, new java.util.concurrent.atomic.AtomicLong(), null, new PreparedOps());
  }

  private Engine(Executor executor, java.util.concurrent.atomic.AtomicLong gemmFlops, Reduce reduce,
      PreparedOps prepared) {
    this.executor = executor;
    this.gemmFlops = gemmFlops;
    this.reduce = reduce;
    this.prepared = prepared;
  }

  /**
   * This engine (same executor, same flop counter) returning the sum or mean over the batch of
   * every operation's per-sample result, without the batch axis (see the class comment).
   */
  public Engine reduced(Reduce reduce) {
    return new Engine(executor, gemmFlops, java.util.Objects.requireNonNull(reduce, "reduce"), prepared);
  }

  /**
   * The compiled form of {@code op} on {@code f}, from this engine's cache (compiled on first use:
   * calling an operation again on the same function does not derive or compile it again).
   */
  public PreparedOp prepare(Graph f, Operation op, Backend backend, Wrt wrt) {
    op.validate(f, backend);
    return prepared.get(f, op, backend, wrt);
  }

  /** How many operations this engine (and its {@link #reduced} views) compiled so far. */
  public long compilations() {
    return prepared.compilations();
  }

  /** The reduction over the batch this engine applies, or null when it returns per-sample results. */
  public Reduce reduction() {
    return reduce;
  }

  /** All cores, default chunking. */
  public static Engine defaults() {
    return new Engine(Executor.defaults());
  }

  public Executor executor() {
    return executor;
  }

  /** Floating-point operations spent in matrix products by this engine so far (for benchmarks). */
  public long gemmFlopsExecuted() {
    return gemmFlops.get();
  }

  // ------------------------------------------------------------------ public operations

  /** f at every sample: (M, B). */
  public Tensor evaluate(Graph f, Tensor x) {
    BatchInput in = BatchInput.of("x", x, f.inputSize());
    return run(prepare(f, Operation.EVALUATE, Backend.auto(), Wrt.inputs()), in, null, f.outputSize());
  }

  /** The Jacobian-vector product J(x_b) u_b for every sample: (M, B). u is shaped like x. */
  public Tensor jvp(Graph f, Backend backend, Tensor x, Tensor u) {
    return jvp(f, backend, Wrt.inputs(), x, u);
  }

  /** JVP with respect to the given leaves; u has one row of the leaves' total size per sample. */
  public Tensor jvp(Graph f, Backend backend, Wrt wrt, Tensor x, Tensor u) {
    int n = Wrt.size(wrt.leaves(f));
    BatchInput in = BatchInput.of("x", x, f.inputSize());
    BatchInput tu = BatchInput.of("u (tangent)", u, n).sameBatchAs("u (tangent)", in);
    return run(prepare(f, Operation.JVP, backend, wrt), in, tu, f.outputSize());
  }

  /** The vector-Jacobian product J(x_b)^T v_b for every sample: (N, B). v has M values per sample. */
  public Tensor vjp(Graph f, Backend backend, Tensor x, Tensor v) {
    return vjp(f, backend, Wrt.inputs(), x, v);
  }

  /** VJP with respect to the given leaves: (N, B) with N their total size. */
  public Tensor vjp(Graph f, Backend backend, Wrt wrt, Tensor x, Tensor v) {
    int n = Wrt.size(wrt.leaves(f));
    BatchInput in = BatchInput.of("x", x, f.inputSize());
    BatchInput cv = BatchInput.of("v (cotangent)", v, f.outputSize()).sameBatchAs("v (cotangent)", in);
    return run(prepare(f, Operation.VJP, backend, wrt), in, cv, n);
  }

  /** The per-sample Jacobians: (M, N, B), Fortran order. */
  public Tensor batchedJacobian(Graph f, Backend backend, Tensor x) {
    return batchedJacobian(f, backend, Wrt.inputs(), x);
  }

  /** Per-sample Jacobians with respect to the given leaves: (M, N, B). */
  public Tensor batchedJacobian(Graph f, Backend backend, Wrt wrt, Tensor x) {
    int n = Wrt.size(wrt.leaves(f));
    int m = f.outputSize();
    BatchInput in = BatchInput.of("x", x, f.inputSize());
    checkSize(m, n, in.batch());
    return run(prepare(f, Operation.JACOBIAN, backend, wrt), in, null, m, n);
  }

  /** The gradient of a function with one output value: (N, B). */
  public Tensor gradient(Graph f, Backend backend, Tensor x) {
    return gradient(f, backend, Wrt.inputs(), x);
  }

  /** Gradient with respect to the given leaves: (N, B). */
  public Tensor gradient(Graph f, Backend backend, Wrt wrt, Tensor x) {
    Operation.GRADIENT.validate(f, backend);
    Tensor j = batchedJacobian(f, backend, wrt, x); // (1, N, B), or (1, N) reduced
    Shape s = j.shape();
    return j.view(reduce == null ? Shape.of(s.dim(1), s.dim(2)) : Shape.of(s.dim(1)), Tensor.Order.F);
  }

  /** The Hessian of a function with one output value: (N, N, B), forward over reverse. */
  public Tensor hessian(Graph f, Tensor x) {
    return hessian(f, Backend.forward(), Wrt.inputs(), x);
  }

  /**
   * Hessian with respect to the given leaves: the forward-mode Jacobian (chunked as
   * {@code backend} says) of the reverse-mode gradient graph.
   */
  public Tensor hessian(Graph f, Backend backend, Wrt wrt, Tensor x) {
    Operation.HESSIAN.validate(f, backend);
    int n = Wrt.size(wrt.leaves(f));
    BatchInput in = BatchInput.of("x", x, f.inputSize());
    checkSize(n, n, in.batch());
    return run(prepare(f, Operation.HESSIAN, backend, wrt), in, null, n, n);
  }

  // ------------------------------------------------------------------ machinery

  private void checkSize(int rows, int cols, int batch) {
    if (reduce == null && (long) rows * cols * batch > Integer.MAX_VALUE - 8) {
      throw new IllegalArgumentException("the result (" + rows + " x " + cols + " x " + batch
          + ") has more than 2^31 values: split the batch");
    }
  }

  /**
   * Runs {@code op} over the batch: the per-sample results, shaped {@code sampleDims} + (B) in
   * Fortran order, or their reduction, shaped {@code sampleDims}.
   */
  private Tensor run(PreparedOp op, BatchInput x, BatchInput extra, int... sampleDims) {
    gemmFlops.addAndGet(op.gemmFlopsPerSample() * x.batch());
    if (reduce != null) {
      return BatchReducer.run(reduce, executor, op, x, extra, Shape.of(sampleDims));
    }
    double[] out = op.run(executor, x.data(), x.width(), extra == null ? null : extra.data(), x.batch());
    return Tensor.of(Shape.of(sampleDims).concat(Shape.of(x.batch())), out, Tensor.Order.F);
  }

  /** Which leaves to differentiate with respect to: the inputs (default) or named parameters. */
  public static final class Wrt {
    private final List<String> params;

    private Wrt(List<String> params) {
      this.params = params;
    }

    /** The parameters' names, or an empty list for the inputs. */
    List<String> names() {
      return params == null ? List.of() : params;
    }

    /** The function's inputs, in declaration order. */
    public static Wrt inputs() {
      return new Wrt(null);
    }

    /**
     * The named parameters, in the order given; a name that is no parameter but a prefix
     * {@code NAME.} of some means all of them (a model's params {@code net.W1, net.b1, ...}).
     */
    public static Wrt params(String... names) {
      if (names.length == 0) {
        throw new IllegalArgumentException("name at least one parameter to differentiate with respect to");
      }
      return new Wrt(List.of(names));
    }

    /** The leaves of {@code f} this selects (see {@link Graph#selectParams} for parameter names). */
    List<Node> leaves(Graph f) {
      return params == null ? f.inputs() : f.selectParams(params);
    }

    static int size(List<Node> leaves) {
      int n = 0;
      for (Node l : leaves) {
        n += l.shape().size();
      }
      return n;
    }

    /** The leaves of {@code g} (a transformed copy of {@code f}) that correspond to {@code leaves} of f. */
    static List<Node> sameLeaves(Graph g, Graph f, List<Node> leaves) {
      List<Node> out = new ArrayList<>();
      for (Node l : leaves) {
        out.add(l.kind() == Node.Kind.INPUT ? g.inputs().get(f.inputs().indexOf(l)) : g.param(l.name()));
      }
      return out;
    }
  }
}
