package io.batchjac.engine.tensor;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Objects;

/**
 * Streams a float64 {@code .npy} file too large to hold in memory at once.
 *
 * <p>{@link #open} writes the header NumPy would write for {@code '<f8'}, the given shape and
 * order (see {@link Npy}); {@link #write} then appends values, in that order's layout, as
 * little-endian float64 in blocks of 1 MiB; {@link #close} checks that exactly
 * {@code shape.size()} values were written and throws an {@link IOException} naming both counts
 * otherwise (the file is closed either way and left as written, so a reader will report it as
 * truncated). Writing more values than the shape holds fails at once, writing nothing.
 *
 * <p>Not thread-safe.
 */
public final class NpyWriter implements Closeable {
  private static final int BLOCK_VALUES = Npy.BLOCK_BYTES / Double.BYTES;

  private final FileChannel channel;
  private final String name;
  private final Shape shape;
  private final ByteBuffer block;
  private long written;
  private boolean closed;

  private NpyWriter(FileChannel channel, String name, Shape shape) {
    this.channel = channel;
    this.name = name;
    this.shape = shape;
    int capacity = Math.max(1, Math.min(BLOCK_VALUES, shape.size()));
    this.block = ByteBuffer.allocateDirect(capacity * Double.BYTES).order(ByteOrder.LITTLE_ENDIAN);
  }

  /** Creates (or truncates) {@code file} and writes the header for this shape and order. */
  public static NpyWriter open(Path file, Shape shape, Tensor.Order order) throws IOException {
    FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE);
    try {
      writeFully(channel, ByteBuffer.wrap(Npy.preamble(shape, order)));
      return new NpyWriter(channel, file.toString(), shape);
    } catch (IOException | RuntimeException | Error e) {
      channel.close();
      throw e;
    }
  }

  /** Appends {@code values[offset .. offset+length)} as little-endian float64. */
  public void write(double[] values, int offset, int length) throws IOException {
    Objects.checkFromIndexSize(offset, length, values.length);
    if (closed) {
      throw new IOException(name + ": write after close");
    }
    if (length > shape.size() - written) {
      throw new IOException(name + ": writing " + length + " more values after " + written
          + " would exceed the " + shape.size() + " values of shape " + shape);
    }
    while (length > 0) {
      int n = Math.min(length, BLOCK_VALUES);
      block.clear();
      block.asDoubleBuffer().put(values, offset, n);
      block.limit(n * Double.BYTES);
      writeFully(channel, block);
      offset += n;
      length -= n;
      written += n;
    }
  }

  /** Appends all of {@code values}. */
  public void write(double[] values) throws IOException {
    write(values, 0, values.length);
  }

  /** Number of values written so far. */
  public long written() {
    return written;
  }

  /** Closes the file; throws when the number of values written differs from the shape's size. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    channel.close();
    if (written != shape.size()) {
      throw new IOException(name + ": wrote " + written + " values but shape " + shape
          + " needs " + shape.size());
    }
  }

  private static void writeFully(FileChannel channel, ByteBuffer buf) throws IOException {
    while (buf.hasRemaining()) {
      channel.write(buf);
    }
  }
}
