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
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

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
  private final String directFile;
  private final long directOffset;

  public PartitionTask(SpecBundle spec, Operation op, String backend, int chunk, List<String> wrt,
      BatchSource input, BatchSource extra) {
    this.spec = spec;
    this.op = op;
    this.backend = backend;
    this.chunk = chunk;
    this.wrt = wrt == null ? null : List.copyOf(wrt);
    this.input = input;
    this.extra = extra;
    this.directFile = null;
    this.directOffset = 0;
  }

  private PartitionTask(PartitionTask t, String directFile, long directOffset) {
    this.spec = t.spec;
    this.op = t.op;
    this.backend = t.backend;
    this.chunk = t.chunk;
    this.wrt = t.wrt;
    this.input = t.input;
    this.extra = t.extra;
    this.directFile = directFile;
    this.directOffset = directOffset;
  }

  /**
   * This task writing its result blocks itself into {@code file} (the little-endian float64 data
   * starting at byte {@code dataOffset}, sample b's block at {@code b * blockBytes}) instead of
   * returning them: for local mode, where the executors run on the driver's machine.
   */
  public PartitionTask writingTo(String file, long dataOffset) {
    return new PartitionTask(this, file, dataOffset);
  }

  public Operation op() {
    return op;
  }

  /** The samples {@code [b0, b0 + count)} of the input source: the derivative block and the function values. */
  public Result run(long b0, int count, boolean withValues) throws IOException {
    if (directFile != null) {
      return runDirect(b0, count, null);
    }
    return run(b0, count, input.rows(b0, count), withValues);
  }

  /** As {@link #run(long, int, boolean)} with the input rows given (table inputs). */
  public Result run(long b0, int count, double[] rows, boolean withValues) throws IOException {
    if (directFile != null) {
      return runDirect(b0, count, rows);
    }
    Graph f = spec.graph();
    int n = f.inputSize();
    double[] e = extra == null ? null : extra.rows(b0, count);
    double[] r = prepared(op).run(ONE_THREAD, rows, n, e, count);
    double[] values = withValues && op != Operation.EVAL ? prepared(Operation.EVAL).run(ONE_THREAD, rows, n, null, count) : null;
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

  /** Compiled operations per executor JVM, so that tasks after the first only run them. */
  private static final Map<String, PreparedOp> PREPARED = new ConcurrentHashMap<>();

  private PreparedOp prepared(Operation which) {
    String key = spec.key() + "|" + which + "|" + backend + "|" + chunk + "|" + wrt;
    if (PREPARED.size() > 64) {
      PREPARED.clear(); // bounded: a JVM runs few distinct jobs
    }
    return PREPARED.computeIfAbsent(key, k -> {
      Engine.Wrt w = wrt == null || wrt.isEmpty() ? Engine.Wrt.inputs() : Engine.Wrt.params(wrt.toArray(new String[0]));
      return which.prepare(spec.graph(), Backend.parse(backend, chunk), w);
    });
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

  /** Each executor thread's result buffer and byte buffer, reused by its direct-mode tasks. */
  private static final ThreadLocal<double[][]> RESULT_BUFFER = ThreadLocal.withInitial(() -> new double[1][0]);
  private static final ThreadLocal<java.nio.ByteBuffer> BYTE_BUFFER = ThreadLocal.withInitial(
      () -> java.nio.ByteBuffer.allocateDirect(1 << 20).order(java.nio.ByteOrder.LITTLE_ENDIAN));

  /**
   * Direct mode: computes {@code [b0, b0 + count)} sub-block by sub-block (about 1 MiB of result
   * each, into one reused buffer: no per-task result array) and writes each at its offset of the
   * driver's file. {@code rows} are the inputs when given (tables), else read from the source per
   * sub-block. The results are the same bits as one call over the whole range: the engine's
   * result for a sample does not depend on the batch it is computed in.
   */
  private Result runDirect(long b0, int count, double[] rows) throws IOException {
    PreparedOp prepared = prepared(op);
    int n = spec.graph().inputSize();
    int per = prepared.outPerSample();
    int sub = subBlock(per);
    double[][] holder = RESULT_BUFFER.get();
    if (holder[0].length < (long) per * Math.min(sub, count)) {
      holder[0] = null; // let the old buffer go before the new one is made
      holder[0] = new double[per * Math.min(sub, Math.max(count, Math.min(sub, 32)))];
    }
    double[] out = holder[0];
    try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(java.nio.file.Path.of(directFile),
        java.nio.file.StandardOpenOption.WRITE)) {
      for (int s = 0; s < count; s += sub) {
        int len = Math.min(sub, count - s);
        double[] x = rows == null ? input.rows(b0 + s, len) : java.util.Arrays.copyOfRange(rows, s * n, (s + len) * n);
        double[] e = extra == null ? null : extra.rows(b0 + s, len);
        prepared.runInto(ONE_THREAD, x, n, e, len, out);
        write(ch, out, len * per, directOffset + (b0 + s) * per * 8L);
      }
    }
    return new Result(b0, count, new byte[0], null, Blas.describe());
  }

  /** Writes the first {@code length} values of {@code data} at byte {@code position}, little-endian. */
  private static void write(java.nio.channels.FileChannel ch, double[] data, int length, long position) throws IOException {
    java.nio.ByteBuffer buf = BYTE_BUFFER.get();
    long pos = position;
    for (int done = 0; done < length; ) {
      int k = Math.min(length - done, buf.capacity() / 8);
      buf.clear();
      buf.asDoubleBuffer().put(data, done, k);
      buf.limit(k * 8);
      while (buf.hasRemaining()) {
        pos += ch.write(buf, pos);
      }
      done += k;
    }
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
