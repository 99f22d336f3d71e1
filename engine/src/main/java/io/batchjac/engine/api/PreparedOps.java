package io.batchjac.engine.api;

import io.batchjac.engine.ir.Graph;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The compiled operations of an {@link Engine}: derived and compiled once per (function,
 * operation, backend, leaves), then reused by every call, so that a caller that runs one
 * function batch after batch (the Transformer, a benchmark, a training loop) compiles once.
 * Functions are told apart by identity (a {@link Graph} is immutable). At most {@link #CAPACITY}
 * entries are kept, the least recently used dropped first. Thread-safe.
 */
final class PreparedOps {
  /** Entries kept. */
  static final int CAPACITY = 32;

  private record Key(Graph f, Operation op, Backend backend, List<String> wrt) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && k.f == f && k.op == op && k.backend.equals(backend) && k.wrt.equals(wrt);
    }

    @Override
    public int hashCode() {
      return ((System.identityHashCode(f) * 31 + op.hashCode()) * 31 + backend.hashCode()) * 31 + wrt.hashCode();
    }
  }

  /** One cache entry: compiled at most once, by the first caller; later callers wait for it. */
  private final class Entry {
    private PreparedOp op;

    synchronized PreparedOp get(Graph f, Operation which, Backend backend, Engine.Wrt wrt) {
      if (op == null) {
        op = which.prepare(f, backend, wrt);
        synchronized (PreparedOps.this) {
          compilations++;
        }
      }
      return op;
    }
  }

  private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, Entry> eldest) {
      return size() > CAPACITY;
    }
  };
  private long compilations;

  /**
   * The compiled operation, compiled now if it is not cached: once per key, also when several
   * threads ask at the same time (the others wait for it; other keys are not held up).
   */
  PreparedOp get(Graph f, Operation op, Backend backend, Engine.Wrt wrt) {
    boolean eval = op == Operation.EVALUATE; // f's values depend on neither the backend nor the leaves
    Backend b = eval ? Backend.auto() : op == Operation.JVP || op == Operation.VJP
        ? new Backend(backend.kind(), 0) : backend; // the chunk matters to Jacobians and Hessians only
    // a gradient is compiled exactly as the Jacobian (its only row): one entry for both
    Key key = new Key(f, op == Operation.GRADIENT ? Operation.JACOBIAN : op, b,
        eval ? Engine.Wrt.inputs().names() : wrt.names());
    Entry e;
    synchronized (this) {
      e = entries.computeIfAbsent(key, k -> new Entry());
    }
    return e.get(f, op, backend, wrt);
  }

  /** How many operations were compiled so far (for tests of the caching). */
  synchronized long compilations() {
    return compilations;
  }
}
