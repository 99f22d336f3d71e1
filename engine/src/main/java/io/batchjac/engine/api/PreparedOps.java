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

  private final Map<Key, PreparedOp> entries = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Key, PreparedOp> eldest) {
      return size() > CAPACITY;
    }
  };
  private long compilations;

  /** The compiled operation, compiled now if it is not cached (outside the lock). */
  PreparedOp get(Graph f, Operation op, Backend backend, Engine.Wrt wrt) {
    Backend b = op == Operation.EVALUATE || op == Operation.JVP || op == Operation.VJP
        ? new Backend(backend.kind(), 0) : backend; // the chunk matters to Jacobians and Hessians only
    Key key = new Key(f, op, b, wrt.names());
    synchronized (this) {
      PreparedOp cached = entries.get(key);
      if (cached != null) {
        return cached;
      }
    }
    PreparedOp fresh = op.prepare(f, backend, wrt);
    synchronized (this) {
      compilations++;
      PreparedOp raced = entries.putIfAbsent(key, fresh);
      return raced != null ? raced : fresh;
    }
  }

  /** How many operations were compiled so far (for tests of the caching). */
  synchronized long compilations() {
    return compilations;
  }
}
