package io.batchjac.bench;

/**
 * The heap every JMH fork of the suite runs with (engine, baselines and sweep alike): 6 GiB (the
 * default maximum on this 24 GiB machine), committed and touched at start-up, as a long-running
 * JVM service is configured. Without it each large result lands in heap pages the JVM has not
 * touched yet, and the page faults of mapping them (9-14 ms for Ishigami's 24 MB result at
 * B = 1e6, measured; 1 ms on a touched heap) weigh as much as the computation, in the calling
 * thread, varying from run to run. PyTorch allocates through glibc's malloc, which hands freed
 * blocks of this size back to the next allocation (its mmap threshold adapts up to 32 MB), so in a
 * loop of calls it does not map fresh pages each time either.
 */
final class ForkHeap {
  static final String MIN = "-Xms6g";
  static final String MAX = "-Xmx6g";
  static final String PRE_TOUCH = "-XX:+AlwaysPreTouch";

  private ForkHeap() {}
}
