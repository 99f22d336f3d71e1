package io.batchjac.engine.tensor;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Random access to the elements of a {@code .npy} file without reading all of it: the header is
 * parsed and the file length checked once ({@link #open}), then any run of elements, in the
 * file's memory order, is read and widened to float64 ({@link #read}). Used to let each Spark
 * task read only its own range of samples.
 */
public final class NpyFile {
  private final Path file;
  private final Npy.Header header;
  private final long dataOffset;

  private NpyFile(Path file, Npy.Header header, long dataOffset) {
    this.file = file;
    this.header = header;
    this.dataOffset = dataOffset;
  }

  /**
   * Opens and validates a file: header, dtype, and that the data is complete. Errors are
   * {@link NpyFormatException}s (or {@link NoSuchFileException}) naming the file.
   */
  public static NpyFile open(Path file) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      InputStream in = Channels.newInputStream(ch);
      Npy.Header h = Npy.readHeader(in, file.toString());
      long offset = ch.position();
      long need = (long) h.shape().size() * h.dtype().kind().size;
      long have = ch.size() - offset;
      if (have < need) {
        throw new NpyFormatException(file.toString(), "truncated: header promises " + h.shape().size()
            + " values (" + need + " bytes) but only " + have + " bytes follow");
      }
      return new NpyFile(file, h, offset);
    }
  }

  public Shape shape() {
    return header.shape();
  }

  public Tensor.Order order() {
    return header.fortranOrder() ? Tensor.Order.F : Tensor.Order.C;
  }

  public Path path() {
    return file;
  }

  /** Bytes of the header (the data starts there). */
  public long dataOffset() {
    return dataOffset;
  }

  /** Bytes per stored element. */
  public int itemSize() {
    return header.dtype().kind().size;
  }

  /**
   * Each thread's read buffer, reused: a direct buffer, which the channel fills without the copy it
   * makes through a temporary direct buffer for a heap one (a job's task reads its samples block
   * after block, about a thousand reads per million samples).
   */
  private static final ThreadLocal<ByteBuffer> READ_BUFFER =
      ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(Npy.BLOCK_BYTES));

  /** Reads {@code count} elements starting at element {@code first} (memory order), as float64. */
  public double[] read(long first, int count) throws IOException {
    double[] out = new double[count];
    read(first, count, out, 0);
    return out;
  }

  /** As {@link #read(long, int)}, into {@code out} from index {@code at}. */
  public void read(long first, int count, double[] out, int at) throws IOException {
    int item = itemSize();
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      long pos = dataOffset + first * item;
      int done = 0;
      ByteBuffer buf = READ_BUFFER.get().clear().order(header.dtype().order());
      while (done < count) {
        int n = Math.min(count - done, buf.capacity() / item);
        buf.clear().limit(n * item);
        while (buf.hasRemaining()) {
          int r = ch.read(buf, pos + (long) done * item + buf.position());
          if (r < 0) {
            throw new NpyFormatException(file.toString(), "truncated: file ends at element " + (first + done));
          }
        }
        buf.flip();
        Npy.decode(buf, header.dtype().kind(), out, at + done, n);
        done += n;
      }
    }
  }
}
