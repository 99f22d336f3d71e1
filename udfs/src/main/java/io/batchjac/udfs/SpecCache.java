package io.batchjac.udfs;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM's bounded cache of compiled specs: at most {@link #CAPACITY} entries, least recently
 * used evicted first. Keys are {@link SpecSource}s (text, name and base directory), so a
 * {@code .fn} file edited between two queries is compiled afresh, and the same text given as a
 * file and inline is compiled once for each (errors name the file or {@code <inline>}).
 *
 * <p>Thread-safe. A spec that fails to compile is not cached: its {@code SpecException} (message
 * {@code file:line:column: problem}) is thrown to every caller.
 */
public final class SpecCache {
  /** The most compiled specs kept per JVM. */
  public static final int CAPACITY = 64;

  private static final Map<SpecSource, CompiledSpec> CACHE = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<SpecSource, CompiledSpec> eldest) {
      return size() > CAPACITY;
    }
  };

  private SpecCache() {}

  /** The compiled spec for a {@code .fn} path or inline spec (a path's file is read on each call). */
  public static CompiledSpec get(String spec) {
    return get(SpecSource.resolve(spec));
  }

  /** The compiled spec for a source, compiled at most once while it stays cached. */
  public static CompiledSpec get(SpecSource source) {
    synchronized (CACHE) {
      CompiledSpec c = CACHE.get(source);
      if (c != null) {
        return c;
      }
    }
    // Compile outside the lock: a slow spec does not hold up others. Two threads that miss at
    // once both compile; the first one stored wins.
    CompiledSpec fresh = new CompiledSpec(source);
    synchronized (CACHE) {
      CompiledSpec c = CACHE.putIfAbsent(source, fresh);
      return c != null ? c : fresh;
    }
  }

  /** Entries currently cached. */
  public static int size() {
    synchronized (CACHE) {
      return CACHE.size();
    }
  }

  /** Empties the cache (tests). */
  static void clear() {
    synchronized (CACHE) {
      CACHE.clear();
    }
  }
}
