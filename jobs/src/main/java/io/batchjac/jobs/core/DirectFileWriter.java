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
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

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
 * <p>Buffers: each thread owns two aligned 1 MiB staging buffers, reused by its writers one after
 * the other. The caller fills one while the other is being written; at most one direct write per
 * writer is in flight, and {@link #close()} waits for it (also when failing), so a buffer is never
 * refilled or handed to another writer while the device reads it.
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
  /** Staged bytes written per direct write (a multiple of any block size). */
  private static final int STAGE = 1 << 20;

  /** Each thread's two aligned staging buffers, reused by its writers one after the other (allocating them per task faults in fresh pages). */
  private static final ThreadLocal<ByteBuffer[]> STAGING = new ThreadLocal<>();

  /** The threads doing the direct writes (daemons; idle ones end after a minute). */
  private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "batchjac-direct-io");
    t.setDaemon(true);
    return t;
  });

  /** Each thread's buffer for writes through the page cache (a direct buffer: no copy in the JDK). */
  private static final ThreadLocal<ByteBuffer> BUFFERED = ThreadLocal.withInitial(
      () -> ByteBuffer.allocateDirect(STAGE).order(ByteOrder.LITTLE_ENDIAN));

  private final FileChannel buffered;
  private final FileChannel direct;
  private final int align;
  /** This writer's two staging buffers once a range has passed its head, else null. */
  private ByteBuffer[] stages;
  /** Which of {@link #stages} the caller fills. */
  private int filling;
  /** The direct write in flight (of the other stage), or null. */
  private Future<?> inFlight;
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
        if (stages == null) {
          stages = borrowStaging();
          filling = 0;
        }
      }
    }
    if (stageStart >= 0) {
      stage(data, from, length - from);
    }
  }

  private void stage(double[] data, int from, int count) throws IOException {
    int done = 0;
    while (done < count) {
      ByteBuffer stage = stages[filling];
      int k = Math.min(count - done, stage.remaining() / 8);
      stage.asDoubleBuffer().put(data, from + done, k);
      stage.position(stage.position() + k * 8);
      done += k;
      next += k * 8L;
      if (!stage.hasRemaining()) {
        stage.flip();
        awaitInFlight();
        long at = stageStart;
        inFlight = IO.submit(() -> {
          writeDirect(stage, at);
          return null;
        });
        stageStart += STAGE;
        filling = 1 - filling;
        stages[filling].clear();
      }
    }
  }

  /** Waits for the direct write in flight, if any; rethrows its error. */
  private void awaitInFlight() throws IOException {
    Future<?> f = inFlight;
    if (f == null) {
      return;
    }
    inFlight = null;
    boolean interrupted = false;
    try {
      while (true) {
        try {
          f.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the buffer is the device's until the write ends: wait on
        }
      }
    } catch (ExecutionException e) {
      Throwable c = e.getCause();
      throw c instanceof IOException io ? io : new IOException("direct write failed: " + c, c);
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Writes what is staged (its aligned prefix directly, the rest through the page cache) and ends the range. */
  private void flush() throws IOException {
    awaitInFlight();
    if (stageStart >= 0) {
      ByteBuffer stage = stages[filling];
      int staged = stage.position();
      int aligned = staged / align * align;
      stage.flip();
      if (aligned > 0) {
        stage.limit(aligned);
        writeDirect(stage, stageStart);
        stage.limit(staged);
      }
      writeFully(buffered, stage, stageStart + aligned);
      stage.clear();
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

  /** The thread's two aligned staging buffers (new ones if another writer of this thread holds them). */
  private ByteBuffer[] borrowStaging() {
    ByteBuffer[] b = STAGING.get();
    STAGING.set(null);
    if (b == null) {
      b = new ByteBuffer[] {aligned(), aligned()};
    }
    b[0].clear();
    b[1].clear();
    return b;
  }

  private ByteBuffer aligned() {
    return ByteBuffer.allocateDirect(STAGE + align).alignedSlice(align).limit(STAGE).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  @Override
  public void close() throws IOException {
    try {
      if (direct != null) {
        flush();
      }
    } finally {
      try {
        awaitInFlight(); // after a failure: the buffer must be free before it is handed on
      } catch (IOException e) {
        // the first failure is the one thrown
      } finally {
        if (stages != null) {
          STAGING.set(stages);
          stages = null;
        }
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
}
