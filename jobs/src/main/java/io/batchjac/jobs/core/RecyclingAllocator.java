package io.batchjac.jobs.core;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.apache.parquet.bytes.ByteBufferAllocator;

/**
 * Heap buffers for parquet-hadoop's page store ({@link ParquetPartWriter}): the store copies every
 * page into a buffer of its own and hands all of them back ({@link #release}) when its row group
 * is written; here they are kept, per thread, and handed out again to the next row groups and part
 * files of that thread's tasks. A fresh buffer costs a fresh heap page per 4 KiB on these virtual
 * machines (about 10 us each, docs/benchmarks.md); a million mlp Jacobians as Parquet allocate
 * about 0.7 GiB of such buffers.
 *
 * <p>A buffer is reused for a request of at most its capacity and more than half of it (pages
 * are mostly of one size); it comes back cleared, its limit at the size asked for. A thread keeps
 * at most {@link #KEEP_BYTES} of released buffers; beyond that they are left to the collector.
 * Used by one thread at a time, like the writer that owns it.
 */
final class RecyclingAllocator implements ByteBufferAllocator {
  /** The most bytes of released buffers one thread keeps. */
  static final long KEEP_BYTES = 64L << 20;

  private static final ThreadLocal<Pool> POOLS = ThreadLocal.withInitial(Pool::new);

  /** A thread's released buffers and their total capacity. */
  private static final class Pool {
    final ArrayDeque<ByteBuffer> free = new ArrayDeque<>();
    long bytes;
  }

  @Override
  public ByteBuffer allocate(int size) {
    Pool pool = POOLS.get();
    for (java.util.Iterator<ByteBuffer> it = pool.free.iterator(); it.hasNext(); ) {
      ByteBuffer b = it.next();
      if (b.capacity() >= size && b.capacity() / 2 < size) {
        it.remove();
        pool.bytes -= b.capacity();
        b.clear().limit(size);
        return b;
      }
    }
    return ByteBuffer.allocate(size);
  }

  @Override
  public void release(ByteBuffer b) {
    Pool pool = POOLS.get();
    if (!b.isDirect() && b.hasArray() && pool.bytes + b.capacity() <= KEEP_BYTES) {
      pool.free.push(b);
      pool.bytes += b.capacity();
    }
  }

  @Override
  public boolean isDirect() {
    return false;
  }

  /** Bytes of released buffers this thread keeps (for tests). */
  static long keptBytes() {
    return POOLS.get().bytes;
  }
}
