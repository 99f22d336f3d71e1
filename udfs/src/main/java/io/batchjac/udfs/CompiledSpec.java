package io.batchjac.udfs;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Operation;
import io.batchjac.engine.api.PreparedOp;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.lang.FileAccessPolicy;
import io.batchjac.engine.lang.TensorFiles;
import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A parsed spec with, made on first use and then kept, the compiled per-row machinery of each
 * derivative operation ({@link PreparedOp}). Thread-safe; obtained from {@link SpecCache}.
 */
public final class CompiledSpec {
  /** Runs single rows and small batches on the calling thread (one Spark task = one core). */
  static final Executor ONE_THREAD = new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES);

  /** Estimated bytes per graph node besides its constant data (objects, shapes, lists). */
  private static final long NODE_BYTES = 256;

  private final SpecSource source;
  private final Graph graph;
  private final FileStamps loaded = new FileStamps();
  private final long graphBytes;
  private final Engine engine = new Engine(ONE_THREAD);
  private final PreparedOp[] sqlOps = new PreparedOp[SqlFunction.values().length];

  /**
   * Compiles {@code source}, reading its {@code load("...")} files under {@code policy}. Under a
   * restricted policy an error in a spec FILE is reported without its text ({@link SpecErrors}).
   */
  CompiledSpec(SpecSource source, FileAccessPolicy policy) {
    this.source = source;
    this.graph = SpecErrors.compile(source, policy, loaded.recording(policy.guard(TensorFiles.disk()))).graph();
    long bytes = (long) source.text().length() * 2;
    for (Node n : graph.nodes()) {
      bytes += NODE_BYTES + (n.value() == null ? 0 : (long) n.value().size() * Double.BYTES);
    }
    this.graphBytes = bytes;
  }

  /** False when a file the spec loaded has changed (time or size) since it was compiled. */
  boolean filesUnchanged() {
    return loaded.unchanged();
  }

  /**
   * An estimate of the memory this spec holds: its text, graph nodes and constants, counted once
   * more for each prepared operation (whose derivative plans hold derived copies of them).
   */
  long estimatedBytes() {
    return graphBytes * (1 + Math.min(engine.compilations(), 32));
  }

  public SpecSource source() {
    return source;
  }

  /** The spec's name in messages: the file path as given, or {@code <inline>}. */
  public String name() {
    return source.name();
  }

  public Graph graph() {
    return graph;
  }

  /** N: values per sample of all inputs together. */
  public int inputSize() {
    return graph.inputSize();
  }

  /** M: values per sample of all outputs together. */
  public int outputSize() {
    return graph.outputSize();
  }

  /**
   * Rows of {@code op}'s per-sample result when it is a matrix ({@link Operation#sampleDims}: M
   * for the Jacobian, N for the Hessian), or 0 when it is a vector.
   */
  int matrixRows(Operation op) {
    int[] dims = op.sampleDims(outputSize(), inputSize());
    return dims.length == 2 ? dims[0] : 0;
  }

  /** The inputs as declared, e.g. {@code x[3], t} (for messages). */
  public String describeInputs() {
    List<String> parts = new ArrayList<>();
    for (Node n : graph.inputs()) {
      parts.add(n.name() + dims(n.shape()));
    }
    return String.join(", ", parts);
  }

  /** The outputs as declared, e.g. {@code y[2]} (for messages). */
  public String describeOutputs() {
    List<String> parts = new ArrayList<>();
    for (Graph.Output o : graph.outputs()) {
      parts.add(o.name() + dims(o.node().shape()));
    }
    return String.join(", ", parts);
  }

  /** Which input element flat position {@code p} (0-based) of x belongs to, e.g. {@code x[1]} or {@code Kw}. */
  public String inputElement(int p) {
    return element(graph.inputs().stream().map(n -> Map.entry(n.name(), n.shape())).toList(), p);
  }

  /** Which output element flat position {@code p} (0-based) belongs to. */
  public String outputElement(int p) {
    return element(graph.outputs().stream().map(o -> Map.entry(o.name(), o.node().shape())).toList(), p);
  }

  /**
   * The end of a wrong-length message: {@code " but the function F takes 8 (inputs ...): the value
   * at position 8 (Kw) is missing (positions count from 1)"}.
   *
   * @param inputs true when the array holds input values (x, u), false for output values (v)
   */
  public String lengthProblem(int actual, int expected, boolean inputs) {
    String what = inputs ? "inputs " + describeInputs() : "outputs " + describeOutputs();
    String where = actual < expected
        ? "the value at position " + (actual + 1) + " (" + (inputs ? inputElement(actual) : outputElement(actual))
            + ") is missing"
        : "the values from position " + (expected + 1) + " on are extra";
    return " but the function " + name() + " takes " + expected + " (" + what + "): " + where
        + " (positions count from 1)";
  }

  private static String element(List<Map.Entry<String, Shape>> parts, int p) {
    int off = 0;
    for (Map.Entry<String, Shape> e : parts) {
      Shape s = e.getValue();
      if (p < off + s.size()) {
        if (s.rank() == 0) {
          return e.getKey();
        }
        int r = p - off;
        int[] idx = new int[s.rank()];
        for (int d = s.rank() - 1; d >= 0; d--) {
          idx[d] = r % s.dim(d);
          r /= s.dim(d);
        }
        StringBuilder sb = new StringBuilder(e.getKey()).append('[');
        for (int d = 0; d < idx.length; d++) {
          sb.append(d > 0 ? ", " : "").append(idx[d]);
        }
        return sb.append(']').toString();
      }
      off += s.size();
    }
    return "?";
  }

  private static String dims(Shape s) {
    if (s.rank() == 0) {
      return "";
    }
    StringBuilder sb = new StringBuilder("[");
    for (int d = 0; d < s.rank(); d++) {
      sb.append(d > 0 ? ", " : "").append(s.dim(d));
    }
    return sb.append(']').toString();
  }

  // ------------------------------------------------------------------ prepared operations

  /**
   * The operation a SQL function runs per row, compiled by this spec's {@link #engine()} (once
   * per JVM) and then kept in an array by function (looked up without hashing: this is the
   * per-row path). Backends as the facade's: auto, and forward over reverse for the Hessian
   * ({@code Engine.hessian(f, x)}).
   */
  PreparedOp sqlOp(SqlFunction f) {
    PreparedOp op = sqlOps[f.ordinal()];
    if (op == null) {
      Backend backend = f.operation() == Operation.HESSIAN ? Backend.forward() : Backend.auto();
      op = engine.prepare(graph, f.operation(), backend, Engine.Wrt.inputs());
      sqlOps[f.ordinal()] = op; // a benign race: every thread stores the same cached instance
    }
    return op;
  }

  /**
   * The one-thread engine of this spec (one Spark task = one core): its cache compiles each
   * operation once per JVM however many rows, batches, partitions and queries run it (the SQL
   * functions per row, the Transformer per batch).
   */
  Engine engine() {
    return engine;
  }

  @Override
  public String toString() {
    return name() + " (inputs " + describeInputs() + "; outputs " + describeOutputs() + ")";
  }
}
