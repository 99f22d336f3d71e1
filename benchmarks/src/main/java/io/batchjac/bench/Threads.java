package io.batchjac.bench;

/** The thread count every benchmark side uses: the engine's default, one per core. */
final class Threads {
  private Threads() {}

  /** {@code requested}, or all available processors when it is 0. */
  static int resolve(int requested) {
    return requested > 0 ? requested : Runtime.getRuntime().availableProcessors();
  }
}
