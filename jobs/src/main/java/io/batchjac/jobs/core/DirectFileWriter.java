package io.batchjac.jobs.core;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes one contiguous range of an existing file front to back, as little-endian doubles: the
 * whole aligned blocks with direct I/O ({@code O_DIRECT}: from an aligned buffer straight to the
 * device, no page cache), the unaligned head and tail through the page cache.
 *
 * <p>Why: a job's output is written once and not read back by the job. On this project's virtual
 * machines a page of page cache costs about 10 us to fault in the first time, so 1 GiB written
 * through the page cache took 1.4-2.6 s, against 0.9 s with direct I/O (`dd`, same machine); and
 * a task waiting for the device leaves its core to the other tasks, where a copy into the page
 * cache keeps it busy. Where the file system refuses direct I/O (tmpfs, some network file
 * systems), or the system property {@code batchjac.directIo} is {@code false}, everything goes
 * through the page cache as before. The bytes written are the same either way.
 *
 * <p>Several writers may write disjoint ranges of one file at once (one per task): the blocks a
 * writer writes directly lie wholly inside its range, and the blocks it shares with a neighbour
 * (its head and tail) go through the page cache, where concurrent writes to disjoint bytes of one
 * page are safe.
 *
 * <p>Contract: positions and lengths are multiples of 8 bytes; a writer is used by one thread;
 * each write usually continues where the last one ended (a write elsewhere ends the range:
 * what is staged is written, and a new range starts).
 */
final class DirectFileWriter implements Closeable {
  /** Staged bytes written per direct write (a multiple of any block size). */
  private static final int STAGE = 1 << 20;

  /** Each thread's aligned staging buffer, reused by its writers one after the other (1 MiB: allocating it per task faults in fresh pages). */
  private static final ThreadLocal<ByteBuffer> STAGING = new ThreadLocal<>();

  /** Each thread's buffer for writes through the page cache (a direct buffer: no copy in the JDK). */
  private static final ThreadLocal<ByteBuffer> BUFFERED = ThreadLocal.withInitial(
      () -> ByteBuffer.allocateDirect(STAGE).order(ByteOrder.LITTLE_ENDIAN));

  private final FileChannel buffered;
  private final FileChannel direct;
  private final int align;
  /** The staging buffer while a range is open past its head, else null. */
  private ByteBuffer stage;
  /** File position of the stage's first byte (aligned), or -1 when no range is open. */
  private long stageStart = -1;
  /** File position where the next write must start to continue the range. */
  private long next = -1;

  /** Opens {@code file} (which must exist) for writing. */
  DirectFileWriter(Path file) throws IOException {
    this.buffered = FileChannel.open(file, StandardOpenOption.WRITE);
    FileChannel d = null;
    int a = 0;
    if (enabled()) {
      try {
        a = (int) Math.max(4096, Files.getFileStore(file).getBlockSize());
        d = STAGE % a == 0 ? FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT) : null;
      } catch (IOException | UnsupportedOperationException e) {
        d = null; // the file system does not do direct I/O: the page cache it is
      }
    }
    this.direct = d;
    this.align = a;
  }

  /** Whether direct I/O is tried: the system property {@code batchjac.directIo}, default true. */
  static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty("batchjac.directIo", "true"));
  }

  /** True when this writer writes aligned blocks with direct I/O. */
  boolean direct() {
    return direct != null;
  }

  /** Writes the first {@code length} values of {@code data} at byte {@code position}. */
  void write(double[] data, int length, long position) throws IOException {
    if (direct == null) {
      writeBuffered(data, 0, length, position);
      return;
    }
    if (position != next) {
      flush();
      next = position;
    }
    int from = 0;
    if (stageStart < 0) { // the head of a range, up to its first aligned block: page cache
      int head = (int) Math.min((align - next % align) % align / 8, length);
      writeBuffered(data, 0, head, next);
      next += head * 8L;
      from = head;
      if (next % align == 0 && from < length) {
        stageStart = next;
        stage = borrowStaging();
      }
    }
    if (stageStart >= 0) {
      stage(data, from, length - from);
    }
  }

  private void stage(double[] data, int from, int count) throws IOException {
    int done = 0;
    while (done < count) {
      int k = Math.min(count - done, stage.remaining() / 8);
      stage.asDoubleBuffer().put(data, from + done, k);
      stage.position(stage.position() + k * 8);
      done += k;
      next += k * 8L;
      if (!stage.hasRemaining()) {
        stage.flip();
        writeDirect(stage, stageStart);
        stageStart += STAGE;
        stage.clear();
      }
    }
  }

  /** Writes what is staged (its aligned prefix directly, the rest through the page cache) and ends the range. */
  private void flush() throws IOException {
    if (stageStart >= 0) {
      int staged = stage.position();
      int aligned = staged / align * align;
      stage.flip();
      if (aligned > 0) {
        stage.limit(aligned);
        writeDirect(stage, stageStart);
        stage.limit(staged);
      }
      writeFully(buffered, stage, stageStart + aligned);
      returnStaging(stage);
      stage = null;
    }
    stageStart = -1;
    next = -1;
  }

  /** A direct write; should the device refuse it after all, the same bytes through the page cache. */
  private void writeDirect(ByteBuffer buf, long position) throws IOException {
    int start = buf.position();
    try {
      writeFully(direct, buf, position);
    } catch (IOException refused) {
      buf.position(start);
      writeFully(buffered, buf, position);
    }
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      pos += ch.write(buf, pos);
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
      writeFully(buffered, buf, pos);
      pos += k * 8L;
      done += k;
    }
  }

  /** The thread's aligned staging buffer (a new one if another writer of this thread holds it). */
  private ByteBuffer borrowStaging() {
    ByteBuffer b = STAGING.get();
    STAGING.set(null);
    if (b == null) {
      b = ByteBuffer.allocateDirect(STAGE + align).alignedSlice(align).limit(STAGE).slice()
          .order(ByteOrder.LITTLE_ENDIAN);
    }
    return b.clear();
  }

  private static void returnStaging(ByteBuffer b) {
    STAGING.set(b);
  }

  @Override
  public void close() throws IOException {
    try {
      if (direct != null) {
        flush();
      }
    } finally {
      try {
        buffered.close();
      } finally {
        if (direct != null) {
          direct.close();
        }
      }
    }
  }
}
