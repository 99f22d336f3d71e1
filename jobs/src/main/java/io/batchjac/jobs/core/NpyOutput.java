package io.batchjac.jobs.core;

import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.UUID;

/**
 * The driver's side of a {@code .npy} result: a temporary file beside the target with the full
 * header, into which each partition's block is written at its own offset as it arrives (so the
 * driver holds one block at a time, whatever the order in which tasks finish); renamed to the
 * target when every block is in, deleted on failure.
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
  }

  /** Writes samples {@code [b0, b0 + count)} (their blocks back to back, Fortran layout). */
  void write(long b0, int count, double[] data) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(Math.min(1 << 20, Math.max(8, data.length * 8))).order(ByteOrder.LITTLE_ENDIAN);
    long pos = dataOffset + b0 * perSample * 8L;
    int done = 0;
    while (done < data.length) {
      int n = Math.min(data.length - done, buf.capacity() / 8);
      buf.clear();
      buf.asDoubleBuffer().put(data, done, n);
      buf.limit(n * 8);
      while (buf.hasRemaining()) {
        pos += channel.write(buf, pos);
      }
      done += n;
    }
    written += (long) count;
  }

  /** Checks that every sample arrived, then renames the file into place. */
  void commit(boolean overwrite) throws IOException {
    if (written != batch) {
      throw new IllegalStateException("internal error: " + written + " of " + batch + " samples written");
    }
    channel.force(false);
    channel.close();
    if (overwrite) {
      Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } else {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    }
    committed = true;
  }

  /** Deletes the temporary file unless committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      channel.close();
      Files.deleteIfExists(temp);
    }
  }
}
