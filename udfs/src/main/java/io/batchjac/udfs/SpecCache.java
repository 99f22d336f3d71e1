package io.batchjac.udfs;

import io.batchjac.engine.lang.FileAccessPolicy;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The JVM's bounded cache of compiled specs, least recently used evicted first, bounded both in
 * entries ({@link SafetyConf#cacheMaxEntries()}) and in estimated bytes
 * ({@link SafetyConf#cacheMaxBytes()}, see {@link CompiledSpec#estimatedBytes()}); a spec larger
 * than the whole byte budget is compiled for its caller and not kept.
 *
 * <p>Keys are a {@link SpecSource} (text, name and base directory) and the
 * {@link FileAccessPolicy} it was compiled under: an edited {@code .fn} or {@code .onnx} file is
 * a new key, the same text given as a file and inline is compiled once for each (errors name the
 * file or {@code <inline>}), and a spec compiled for an unrestricted caller is never handed to a
 * restricted one. An entry whose {@code load("...")} files changed since it was compiled
 * (modification time or size, {@link CompiledSpec#filesUnchanged()}) is dropped and compiled
 * afresh.
 *
 * <p>Thread-safe. A spec that fails to compile is not cached: its {@code SpecException} (message
 * {@code file:line:column: problem}) is thrown to every caller.
 */
public final class SpecCache {
  private record Key(SpecSource source, FileAccessPolicy policy) {}

  private static final LinkedHashMap<Key, CompiledSpec> CACHE = new LinkedHashMap<>(16, 0.75f, true);

  private SpecCache() {}

  /** The compiled spec for a source under {@code safety}, compiled at most once while it stays cached and valid. */
  public static CompiledSpec get(SpecSource source, SafetyConf safety) {
    Key key = new Key(source, safety.files());
    synchronized (CACHE) {
      CompiledSpec c = CACHE.get(key);
      if (c != null) {
        if (c.filesUnchanged()) {
          return c;
        }
        CACHE.remove(key);
      }
    }
    // Compile outside the lock: a slow spec does not hold up others. Two threads that miss at
    // once both compile; the first one stored wins.
    CompiledSpec fresh = new CompiledSpec(source, safety.files());
    synchronized (CACHE) {
      CompiledSpec c = CACHE.putIfAbsent(key, fresh);
      CompiledSpec result = c != null ? c : fresh;
      evict(safety, key);
      return result;
    }
  }

  /** Drops least recently used entries until both bounds hold; {@code newest} goes last, and alone if too large. */
  private static void evict(SafetyConf safety, Key newest) {
    long bytes = 0;
    for (CompiledSpec c : CACHE.values()) {
      bytes += c.estimatedBytes();
    }
    Iterator<Map.Entry<Key, CompiledSpec>> it = CACHE.entrySet().iterator();
    while (it.hasNext() && (CACHE.size() > safety.cacheMaxEntries() || bytes > safety.cacheMaxBytes())) {
      Map.Entry<Key, CompiledSpec> e = it.next();
      if (e.getKey().equals(newest) && CACHE.size() > 1) {
        continue; // evict the older ones first
      }
      bytes -= e.getValue().estimatedBytes();
      it.remove();
    }
  }

  /** Entries currently cached. */
  public static int size() {
    synchronized (CACHE) {
      return CACHE.size();
    }
  }

  /** Estimated bytes of the cached entries. */
  public static long bytes() {
    synchronized (CACHE) {
      return CACHE.values().stream().mapToLong(CompiledSpec::estimatedBytes).sum();
    }
  }

  /** Empties the cache (tests). */
  static void clear() {
    synchronized (CACHE) {
      CACHE.clear();
    }
  }
}
