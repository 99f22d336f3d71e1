package io.batchjac.jobs.core;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;

/**
 * Writes one contiguous range of an existing file front to back, as little-endian doubles: the
 * whole aligned blocks with direct I/O ({@code O_DIRECT}: from an aligned buffer straight to the
 * device, no page cache) on a background thread while the caller computes what comes next, the
 * unaligned head and tail through the page cache.
 *
 * <p>Why: a job's output is written once and not read back by the job. A copy into the page cache
 * keeps the writing task's core busy (on this project's 2-core machines, 0.14-1.4 s of CPU per GiB,
 * more when the pages are faulted in fresh), and replacing a file whose pages are still dirty makes
 * the file system flush them at the rename (ext4's {@code auto_da_alloc}: 0.18 s per GiB). Direct
 * I/O costs the CPU 0.15 s per GiB; the device's time (about 0.9 s per GiB here) is spent on a
 * background thread while the task computes its next block. Written synchronously, direct I/O made
 * the job slower (the task waited for the device: docs/benchmarks.md); overlapped, it does not.
 * Where the file system refuses direct I/O (tmpfs, some network file systems), or the system
 * property {@code batchjac.directIo} is {@code false}, everything goes through the page cache as
 * before, on the caller's thread. The bytes written are the same either way.
 *
 * <p>Buffers: the whole blocks are staged and written by {@link DirectStaging} (two aligned 1 MiB
 * buffers per thread, one direct write in flight, {@link #close()} waits for it).
 *
 * <p>Several writers may write disjoint ranges of one file at once (one per task): the blocks a
 * writer writes directly lie wholly inside its range, and the blocks it shares with a neighbour
 * (its head and tail) go through the page cache, where concurrent writes to disjoint bytes of one
 * page are safe.
 *
 * <p>Contract: positions and lengths are multiples of 8 bytes; a writer is used by one thread;
 * each write usually continues where the last one ended (a write elsewhere ends the range:
 * what is staged is written, and a new range starts). The bytes are in the file when
 * {@link #close()} returns; an error of a background write is thrown by the next call.
 */
final class DirectFileWriter implements Closeable {
  /** Each thread's buffer for writes through the page cache (a direct buffer: no copy in the JDK). */
  private static final ThreadLocal<ByteBuffer> BUFFERED = ThreadLocal.withInitial(
      () -> ByteBuffer.allocateDirect(DirectStaging.STAGE).order(ByteOrder.LITTLE_ENDIAN));

  private final DirectStaging file;
  /** File position where the next write must start to continue the range, or -1. */
  private long next = -1;

  /** Opens {@code file} (which must exist) for writing. */
  DirectFileWriter(Path file) throws IOException {
    this.file = new DirectStaging(file);
  }

  /** True when this writer writes aligned blocks with direct I/O. */
  boolean direct() {
    return file.direct();
  }

  /** Writes the first {@code length} values of {@code data} at byte {@code position}. */
  void write(double[] data, int length, long position) throws IOException {
    if (!file.direct()) {
      writeBuffered(data, 0, length, position);
      return;
    }
    if (position != next) {
      file.flush();
      next = position;
    }
    int from = 0;
    if (!file.started()) { // the head of a range, up to its first aligned block: page cache
      int align = file.align();
      int head = (int) Math.min((align - next % align) % align / 8, length);
      writeBuffered(data, 0, head, next);
      next += head * 8L;
      from = head;
      if (next % align == 0 && from < length) {
        file.start(next);
      }
    }
    if (file.started()) {
      stage(data, from, length - from);
    }
  }

  private void stage(double[] data, int from, int count) throws IOException {
    int done = 0;
    while (done < count) {
      ByteBuffer stage = file.stage();
      int k = Math.min(count - done, stage.remaining() / 8);
      stage.asDoubleBuffer().put(data, from + done, k);
      stage.position(stage.position() + k * 8);
      done += k;
      next += k * 8L;
      file.advance();
    }
  }

  private void writeBuffered(double[] data, int from, int length, long position) throws IOException {
    ByteBuffer buf = BUFFERED.get();
    long pos = position;
    for (int done = 0; done < length; ) {
      int k = Math.min(length - done, buf.capacity() / 8);
      buf.clear();
      buf.asDoubleBuffer().put(data, from + done, k);
      buf.limit(k * 8);
      DirectStaging.writeFully(file.buffered(), buf, pos);
      pos += k * 8L;
      done += k;
    }
  }

  @Override
  public void close() throws IOException {
    file.close();
  }
}
