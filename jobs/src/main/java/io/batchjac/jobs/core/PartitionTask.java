package io.batchjac.jobs.core;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.exec.Blas;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import java.io.IOException;
import java.io.Serializable;
import java.util.List;

/**
 * What one Spark task does: read its range of samples, run the engine on them (one thread: Spark
 * runs one task per core), and return the result block in the output layout. Serializable: it is
 * shipped to the executors with the spec bundle and the input sources.
 */
public final class PartitionTask implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SpecBundle spec;
  private final Operation op;
  private final String backend;
  private final int chunk;
  private final List<String> wrt;
  private final BatchSource input;
  private final BatchSource extra;
  /** Where the task writes its results itself, or null to return them (see {@link #writingTo}). */
  private final BlockSink sink;

  public PartitionTask(SpecBundle spec, Operation op, String backend, int chunk, List<String> wrt,
      BatchSource input, BatchSource extra) {
    this.spec = spec;
    this.op = op;
    this.backend = backend;
    this.chunk = chunk;
    this.wrt = wrt == null ? null : List.copyOf(wrt);
    this.input = input;
    this.extra = extra;
    this.sink = null;
  }

  private PartitionTask(PartitionTask t, BlockSink sink) {
    this.spec = t.spec;
    this.op = t.op;
    this.backend = t.backend;
    this.chunk = t.chunk;
    this.wrt = t.wrt;
    this.input = t.input;
    this.extra = t.extra;
    this.sink = sink;
  }

  /**
   * This task writing its results itself into {@code sink} (the driver's {@code .npy} file in
   * local mode, Parquet part files) instead of returning them: its {@link Result}s then carry
   * only the range and the BLAS.
   */
  PartitionTask writingTo(BlockSink sink) {
    return new PartitionTask(this, sink);
  }

  public Operation op() {
    return op;
  }

  /** The samples {@code [b0, b0 + count)} of the input source: the derivative block and the function values. */
  public Result run(long b0, int count, boolean withValues) throws IOException {
    if (sink != null) {
      return runDirect(b0, count, null);
    }
    return run(b0, count, input.rows(b0, count), withValues);
  }

  /** As {@link #run(long, int, boolean)} with the input rows given (table inputs). */
  public Result run(long b0, int count, double[] rows, boolean withValues) throws IOException {
    if (sink != null) {
      return runDirect(b0, count, rows);
    }
    Graph f = spec.graph();
    int n = f.inputSize();
    double[] e = extra == null ? null : extra.rows(b0, count);
    PreparedOp prepared = prepared(op);
    double[] r = new double[prepared.outPerSample() * count];
    // f's values from the derivative's own forward pass where the operation allows (PreparedOp.runInto)
    double[] values = withValues && op != Operation.EVAL ? new double[f.outputSize() * count] : null;
    prepared.runInto(ONE_THREAD, rows, n, e, count, r, values);
    return new Result(b0, count, pack(r), withValues ? pack(op == Operation.EVAL ? r : values) : null, Blas.describe());
  }

  /**
   * Computes the samples {@code [b0, b0 + count)}, given as C-order {@code rows}, into {@code out}
   * ({@code count} blocks of the per-sample result, the layout of {@link PreparedOp#runInto}): what
   * a reduction's task does block after block, reusing one buffer.
   */
  void runInto(long b0, int count, double[] rows, double[] out) throws IOException {
    double[] e = extra == null ? null : extra.rows(b0, count);
    prepared(op).runInto(ONE_THREAD, rows, spec.graph().inputSize(), e, count, out);
  }

  /** One engine thread per task: Spark runs one task per core. */
  static final Executor ONE_THREAD = new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES);

  /**
   * The executor JVM's engine: its cache of compiled operations (keyed by the spec's graph, which
   * {@link SpecBundle#graph()} parses once per JVM) serves every task, so an operation compiles
   * once per executor JVM, not once per task or partition.
   */
  private static final Engine ENGINE = new Engine(ONE_THREAD);

  /** Operations compiled in this JVM by tasks so far (for tests of the caching). */
  public static long compilations() {
    return ENGINE.compilations();
  }

  private PreparedOp prepared(Operation which) {
    Engine.Wrt w = wrt == null || wrt.isEmpty() ? Engine.Wrt.inputs() : Engine.Wrt.params(wrt.toArray(new String[0]));
    return ENGINE.prepare(spec.graph(), which.engineOp(), Backend.parse(backend, chunk), w);
  }

  /**
   * A block of consecutive samples: the result in the output layout and optionally f's values (M
   * per sample), both as little-endian float64 bytes (what a {@code .npy} file holds, and what
   * Java serialization writes in bulk, unlike a {@code double[]}), and the BLAS that computed it.
   */
  public record Result(long b0, int count, byte[] packed, byte[] packedValues, String blas) implements Serializable {
    /** The result values. */
    public double[] data() {
      return unpack(packed);
    }

    /** f's values, M per sample (null unless asked for). */
    public double[] values() {
      return packedValues == null ? null : unpack(packedValues);
    }
  }

  /**
   * Samples per sub-block in direct mode: about 1 MiB of result, a multiple of the GEMM panel
   * (32); at least 32 samples while they take at most {@link #MAX_SUB_BLOCK_VALUES} values, fewer
   * (down to one sample) when each sample's result is larger.
   */
  static int subBlock(long outPerSample) {
    long per = Math.max(1, outPerSample);
    long s = (1 << 17) / per;
    return s >= 32 ? (int) (s / 32 * 32) : (int) Math.max(1, Math.min(32, MAX_SUB_BLOCK_VALUES / per));
  }

  /** The most values of a sub-block of 32 samples or fewer (64 MiB). */
  static final long MAX_SUB_BLOCK_VALUES = 8L << 20;

  /** Each executor thread's result, value, input and extra-input buffers, reused by its direct-mode tasks. */
  private static final ThreadLocal<double[][]> BUFFERS = ThreadLocal.withInitial(() -> new double[4][0]);

  /** Thread {@code which}'s reused buffer of at least {@code length} values. */
  private static double[] buffer(int which, long length) {
    double[][] holder = BUFFERS.get();
    if (holder[which].length < length) {
      holder[which] = null; // let the old buffer go before the new one is made
      holder[which] = new double[Math.toIntExact(length)];
    }
    return holder[which];
  }

  /**
   * Direct mode: computes {@code [b0, b0 + count)} sub-block by sub-block (about 1 MiB of result
   * each, from and into reused buffers: no per-task input or result array, no fresh pages faulted
   * in per task) and
   * hands each to the sink's part, committed at the end. {@code rows} are the inputs when given
   * (tables), else read from the source per sub-block. The results are the same bits as one call
   * over the whole range: the engine's result for a sample does not depend on the batch it is
   * computed in.
   */
  private Result runDirect(long b0, int count, double[] rows) throws IOException {
    PreparedOp prepared = prepared(op);
    boolean values = sink.needsValues() && op != Operation.EVAL;
    int n = spec.graph().inputSize();
    int per = prepared.outPerSample();
    int sub = subBlock(per);
    int most = Math.min(sub, Math.max(count, 1));
    double[] out = buffer(0, (long) per * most);
    double[] vals = values ? buffer(1, (long) spec.graph().outputSize() * most) : null;
    double[] x = buffer(2, (long) n * most);
    double[] e = extra == null ? null : buffer(3, (long) extra.width() * most);
    try (BlockSink.Part part = sink.open(b0, count)) {
      for (int s = 0; s < count; s += sub) {
        int len = Math.min(sub, count - s);
        if (rows == null) {
          input.rows(b0 + s, len, x);
        } else {
          System.arraycopy(rows, s * n, x, 0, len * n);
        }
        if (extra != null) {
          extra.rows(b0 + s, len, e);
        }
        prepared.runInto(ONE_THREAD, x, n, e, len, out, vals); // f's values too when the sink wants them
        part.write(b0 + s, len, out, op == Operation.EVAL ? out : vals);
      }
      part.commit();
    }
    return new Result(b0, count, new byte[0], null, Blas.describe());
  }

  static byte[] pack(double[] v) {
    java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 8).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    b.asDoubleBuffer().put(v);
    return b.array();
  }

  static double[] unpack(byte[] bytes) {
    double[] v = new double[bytes.length / 8];
    java.nio.ByteBuffer.wrap(bytes).order(java.nio.ByteOrder.LITTLE_ENDIAN).asDoubleBuffer().get(v);
    return v;
  }
}
