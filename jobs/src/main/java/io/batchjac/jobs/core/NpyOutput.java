package io.batchjac.jobs.core;

import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The driver's side of a {@code .npy} result: a temporary file beside the target with the full
 * header, into which each partition's block is written at its own offset as it arrives, whatever
 * the order in which tasks finish; renamed to the target when every block is in, deleted on
 * failure.
 *
 * <p>Blocks are handed to a writer thread through a queue of {@link #QUEUE} blocks: Spark calls
 * {@link #submit} on its scheduler thread, which must not wait for the disk (new tasks would not
 * be launched meanwhile). The driver therefore holds at most {@code QUEUE + 1} blocks.
 */
final class NpyOutput implements AutoCloseable {
  private final Path target;
  private final Path temp;
  private final FileChannel channel;
  private final long dataOffset;
  private final int perSample;
  private final long batch;
  private long written;
  private boolean committed;
  static final int QUEUE = 2;
  private final java.util.concurrent.ArrayBlockingQueue<Object[]> queue = new java.util.concurrent.ArrayBlockingQueue<>(QUEUE);
  private final Thread writer;
  private volatile IOException failure;
  private static final Object[] END = new Object[0];

  NpyOutput(Path target, int[] sampleDims, long batch) throws IOException {
    long total = batch;
    for (int d : sampleDims) {
      total *= d;
    }
    if (total > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("the result has " + total + " values, more than a .npy written by batchjac "
          + "can hold (2^31 - 1): write .parquet instead, or split the batch");
    }
    int[] dims = new int[sampleDims.length + 1];
    System.arraycopy(sampleDims, 0, dims, 0, sampleDims.length);
    dims[sampleDims.length] = (int) batch;
    byte[] pre = Npy.preamble(Shape.of(dims), Tensor.Order.F);
    this.target = target;
    Path dir = target.toAbsolutePath().getParent();
    Files.createDirectories(dir);
    this.temp = dir.resolve("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    this.channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
    this.dataOffset = pre.length;
    this.perSample = (int) (total / Math.max(1, batch));
    this.batch = batch;
    channel.write(ByteBuffer.wrap(pre), 0);
    // The file has its full length from the start (sparse): tasks' writes then fill holes inside
    // it instead of extending it, which direct I/O does without waiting on the file's size
    // (DirectFileWriter).
    extend(channel, dataOffset + total * 8);
    this.writer = new Thread(this::drain, "batchjac-npy-writer");
    writer.setDaemon(true);
    writer.start();
  }

  /** Sets the length of {@code ch}'s file to {@code length} bytes by writing its last byte (a zero). */
  private static void extend(FileChannel ch, long length) throws IOException {
    if (length > ch.size()) {
      ByteBuffer zero = ByteBuffer.allocate(1);
      while (zero.hasRemaining()) {
        ch.write(zero, length - 1);
      }
    }
  }

  /** The temporary file (for tasks that write their blocks themselves, see {@link #written}). */
  Path tempFile() {
    return temp;
  }

  /** Byte offset of the data in the file. */
  long dataOffset() {
    return dataOffset;
  }

  /** Values per sample. */
  int perSample() {
    return perSample;
  }

  /** Records samples that a task wrote into {@link #tempFile()} itself. */
  void written(int count) {
    synchronized (this) {
      written += count;
    }
  }

  /** Queues samples {@code [b0, b0 + count)} for writing (blocks while the queue is full). */
  void submit(long b0, int count, byte[] packed) throws IOException {
    if (failure != null) {
      throw failure;
    }
    try {
      queue.put(new Object[] {b0, count, packed});
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while queueing a result block");
    }
  }

  private void drain() {
    try {
      while (true) {
        Object[] job = queue.take();
        if (job == END) {
          return;
        }
        if (failure == null) {
          write((Long) job[0], (Integer) job[1], (byte[]) job[2]);
        }
      }
    } catch (IOException e) {
      failure = e;
      queue.clear();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Waits for the writer to write every queued block. */
  private void finish() throws IOException {
    try {
      queue.put(END);
      writer.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while writing the result");
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Writes samples {@code [b0, b0 + count)}: their blocks back to back, little-endian float64. */
  private void write(long b0, int count, byte[] packed) throws IOException {
    ByteBuffer buf = ByteBuffer.wrap(packed);
    long pos = dataOffset + b0 * perSample * 8L;
    while (buf.hasRemaining()) {
      pos += channel.write(buf, pos);
    }
    synchronized (this) {
      written += (long) count;
    }
  }

  /** Checks that every sample arrived, then renames the file into place. */
  void commit(boolean overwrite) throws IOException {
    finish();
    if (written != batch) {
      throw new IllegalStateException("internal error: " + written + " of " + batch + " samples written");
    }
    channel.close();
    OutputReplacement.replace(temp, target.toAbsolutePath(), overwrite);
    committed = true;
  }

  /** Deletes the temporary file unless committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      writer.interrupt();
      channel.close();
      Files.deleteIfExists(temp);
    }
  }
}
