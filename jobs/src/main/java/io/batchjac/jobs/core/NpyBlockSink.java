package io.batchjac.jobs.core;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Tasks writing their result blocks straight into the driver's temporary {@code .npy} file (local
 * mode: executors and driver share the machine): sample b's block at byte
 * {@code dataOffset + b * perSample * 8}, little-endian float64. The file belongs to the driver's
 * {@link NpyOutput}, which renames it when every sample is in or deletes it on failure.
 */
final class NpyBlockSink implements BlockSink {
  private static final long serialVersionUID = 1L;

  /** Each executor thread's byte buffer, reused by its tasks. */
  private static final ThreadLocal<ByteBuffer> BYTE_BUFFER = ThreadLocal.withInitial(
      () -> ByteBuffer.allocateDirect(1 << 20).order(ByteOrder.LITTLE_ENDIAN));

  private final String file;
  private final long dataOffset;
  private final int perSample;

  NpyBlockSink(String file, long dataOffset, int perSample) {
    this.file = file;
    this.dataOffset = dataOffset;
    this.perSample = perSample;
  }

  @Override
  public boolean needsValues() {
    return false;
  }

  @Override
  public Part open(long b0, int count) throws IOException {
    FileChannel ch = FileChannel.open(Path.of(file), StandardOpenOption.WRITE);
    return new Part() {
      @Override
      public void write(long first, int n, double[] data, double[] values) throws IOException {
        writeAt(ch, data, n * perSample, dataOffset + first * perSample * 8L);
      }

      @Override
      public void commit() {}

      @Override
      public void close() throws IOException {
        ch.close();
      }
    };
  }

  /** Writes the first {@code length} values of {@code data} at byte {@code position}, little-endian. */
  private static void writeAt(FileChannel ch, double[] data, int length, long position) throws IOException {
    ByteBuffer buf = BYTE_BUFFER.get();
    long pos = position;
    for (int done = 0; done < length; ) {
      int k = Math.min(length - done, buf.capacity() / 8);
      buf.clear();
      buf.asDoubleBuffer().put(data, done, k);
      buf.limit(k * 8);
      while (buf.hasRemaining()) {
        pos += ch.write(buf, pos);
      }
      done += k;
    }
  }
}
