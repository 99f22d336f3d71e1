package io.batchjac.jobs.core;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * One file opened twice, through the page cache and with direct I/O ({@code O_DIRECT}), and the
 * machinery that streams bytes into it front to back from an aligned position: the caller fills
 * an aligned 1 MiB staging buffer ({@link #stage()}), and each full buffer is written with direct
 * I/O on a background thread while the caller fills the other one ({@link #advance()}). At most one
 * write is in flight. {@link #flush()} ends such a run: what is staged is written, its whole
 * aligned blocks directly, the partial block at its end through the page cache, so the file gets
 * exactly the bytes staged (never padding).
 *
 * <p>Where the file system refuses direct I/O (tmpfs, some network file systems) or the system
 * property {@code batchjac.directIo} is {@code false} ({@link #enabled()}), {@link #direct()} is
 * false and full stages are written through the page cache, on the caller's thread. The bytes
 * written are the same either way. Why direct I/O at all: see {@link DirectFileWriter}.
 *
 * <p>Buffers: each thread owns two aligned staging buffers (little-endian), reused by its writers
 * one after the other (allocating them per task faults in fresh pages). A writer borrows them at
 * its first {@link #start} and hands them back at {@link #close()}, which waits for the write in
 * flight first (also when failing), so a buffer is never refilled or handed to another writer
 * while the device reads it.
 *
 * <p>Contract: used by one thread; an error of a background write is thrown by the next
 * {@link #advance()}, {@link #flush()} or {@link #close()}.
 */
final class DirectStaging implements Closeable {
  /** Bytes per staging buffer and per direct write (a multiple of any block size). */
  static final int STAGE = 1 << 20;

  /** Each thread's two aligned staging buffers, while none of its writers holds them. */
  private static final ThreadLocal<ByteBuffer[]> STAGING = new ThreadLocal<>();

  /** The threads doing the direct writes (daemons; idle ones end after a minute). */
  private static final ExecutorService IO = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "batchjac-direct-io");
    t.setDaemon(true);
    return t;
  });

  private final FileChannel buffered;
  private final FileChannel direct;
  /** The direct I/O block size (at least 4 KiB; 4 KiB when direct I/O is off). */
  private final int align;
  /** The two staging buffers once borrowed, else null. */
  private ByteBuffer[] stages;
  /** Which of {@link #stages} the caller fills. */
  private int filling;
  /** The write in flight (of the other stage), or null. */
  private Future<?> inFlight;
  /** File position of the filling stage's first byte (aligned), or -1 when no run is open. */
  private long stageStart = -1;

  /**
   * Opens {@code file} for writing through the page cache with {@code options} (plus
   * {@code WRITE}), then, if {@link #enabled()} and the file system allows, a second time with
   * direct I/O.
   */
  DirectStaging(Path file, OpenOption... options) throws IOException {
    OpenOption[] opts = java.util.Arrays.copyOf(options, options.length + 1);
    opts[options.length] = StandardOpenOption.WRITE;
    this.buffered = FileChannel.open(file, opts);
    FileChannel d = null;
    int a = 4096;
    if (enabled()) {
      try {
        a = (int) Math.max(4096, Files.getFileStore(file).getBlockSize());
        d = STAGE % a == 0 ? FileChannel.open(file, StandardOpenOption.WRITE, ExtendedOpenOption.DIRECT) : null;
      } catch (IOException | UnsupportedOperationException e) {
        d = null; // the file system does not do direct I/O: the page cache it is
      }
    }
    this.direct = d;
    this.align = d == null ? 4096 : a;
  }

  /** Whether direct I/O is tried: the system property {@code batchjac.directIo}, default true. */
  static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty("batchjac.directIo", "true"));
  }

  /** True when full stages are written with direct I/O. */
  boolean direct() {
    return direct != null;
  }

  /** The block size that direct writes' positions and lengths are multiples of. */
  int align() {
    return align;
  }

  /** The file through the page cache, for what the caller writes outside a run. */
  FileChannel buffered() {
    return buffered;
  }

  /** Whether a run is open (between {@link #start} and {@link #flush()}). */
  boolean started() {
    return stageStart >= 0;
  }

  /** Opens a run at file position {@code position}, a multiple of {@link #align()}. */
  void start(long position) {
    if (position % align != 0 || started()) {
      throw new IllegalStateException("a run starts once, at an aligned position: " + position);
    }
    if (stages == null) {
      stages = borrowStaging();
      filling = 0;
    }
    stageStart = position;
  }

  /** The buffer to put the run's next bytes into (at its position; never full). */
  ByteBuffer stage() {
    return stages[filling];
  }

  /** To be called after putting bytes into {@link #stage()}: a full stage goes to the file. */
  void advance() throws IOException {
    ByteBuffer stage = stages[filling];
    if (stage.hasRemaining()) {
      return;
    }
    stage.flip();
    awaitInFlight();
    long at = stageStart;
    if (direct == null) {
      writeFully(buffered, stage, at);
    } else {
      inFlight = IO.submit(() -> {
        writeDirect(stage, at);
        return null;
      });
    }
    stageStart += STAGE;
    filling = 1 - filling;
    stages[filling].clear();
  }

  /** Waits for the write in flight, if any; rethrows its error. */
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

  /** Writes what is staged (its aligned prefix directly, the rest through the page cache) and ends the run. */
  void flush() throws IOException {
    awaitInFlight();
    if (started()) {
      ByteBuffer stage = stages[filling];
      int staged = stage.position();
      int aligned = direct == null ? 0 : staged / align * align;
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

  /** Writes all of {@code buf}'s remaining bytes at {@code position}. */
  static void writeFully(FileChannel ch, ByteBuffer buf, long position) throws IOException {
    long pos = position;
    while (buf.hasRemaining()) {
      pos += ch.write(buf, pos);
    }
  }

  /** The thread's two aligned staging buffers (new ones if another writer of this thread holds them). */
  private ByteBuffer[] borrowStaging() {
    ByteBuffer[] b = STAGING.get();
    STAGING.set(null);
    if (b == null || b[0].alignmentOffset(0, align) != 0) {
      b = new ByteBuffer[] {aligned(), aligned()};
    }
    b[0].clear();
    b[1].clear();
    return b;
  }

  private ByteBuffer aligned() {
    return ByteBuffer.allocateDirect(STAGE + align).alignedSlice(align).limit(STAGE).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Ends the run (writing what is staged), waits for any write in flight and closes the file. */
  @Override
  public void close() throws IOException {
    try {
      flush();
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
