package io.batchjac.engine.api;

/**
 * How derivatives are computed (Lux's {@code AutoForwardDiff} / {@code AutoZygote} /
 * automatic choice):
 * <ul>
 *   <li>{@link #forward(int)}: forward mode, pushing {@code chunk} tangent directions at once (like
 *       ForwardDiff's chunk size; a full Jacobian takes {@code ceil(N / chunk)} passes);</li>
 *   <li>{@link #reverse(int)}: reverse mode, pulling {@code chunk} cotangents at once
 *       ({@code ceil(M / chunk)} passes for a Jacobian);</li>
 *   <li>{@link #auto()}: forward when {@code N <= M}, reverse otherwise.</li>
 * </ul>
 * A chunk of 0 means "the default": {@link #DEFAULT_CHUNK} directions, or all of them if fewer.
 */
public record Backend(Kind kind, int chunk) {
  /** The AD mode. */
  public enum Kind {
    FORWARD,
    REVERSE,
    AUTO
  }

  /** Directions pushed at once by default. */
  public static final int DEFAULT_CHUNK = 64;

  public Backend {
    if (chunk < 0) {
      throw new IllegalArgumentException("chunk must be positive (or 0 for the default), got " + chunk);
    }
  }

  public static Backend forward() {
    return new Backend(Kind.FORWARD, 0);
  }

  public static Backend forward(int chunk) {
    return new Backend(Kind.FORWARD, chunk);
  }

  public static Backend reverse() {
    return new Backend(Kind.REVERSE, 0);
  }

  public static Backend reverse(int chunk) {
    return new Backend(Kind.REVERSE, chunk);
  }

  public static Backend auto() {
    return new Backend(Kind.AUTO, 0);
  }

  /** Parses {@code auto}, {@code forward} or {@code reverse} (case-insensitive). */
  public static Backend parse(String name, int chunk) {
    for (Kind k : Kind.values()) {
      if (k.name().equalsIgnoreCase(name)) {
        return new Backend(k, chunk);
      }
    }
    throw new IllegalArgumentException("unknown backend '" + name + "': expected auto, forward or reverse");
  }

  /** The mode to use for a Jacobian with N inputs and M outputs. */
  public Kind resolve(int n, int m) {
    if (kind != Kind.AUTO) {
      return kind;
    }
    return n <= m ? Kind.FORWARD : Kind.REVERSE;
  }

  /** Directions per pass for {@code total} directions. */
  public int chunkFor(int total) {
    int k = chunk == 0 ? DEFAULT_CHUNK : chunk;
    return Math.max(1, Math.min(k, total));
  }
}
