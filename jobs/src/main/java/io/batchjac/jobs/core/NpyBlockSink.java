package io.batchjac.jobs.core;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Tasks writing their result blocks straight into the driver's temporary {@code .npy} file (local
 * mode: executors and driver share the machine): sample b's block at byte
 * {@code dataOffset + b * perSample * 8}, little-endian float64. The file belongs to the driver's
 * {@link NpyOutput}, which renames it when every sample is in or deletes it on failure. Whole
 * aligned blocks go to the device with direct I/O, bypassing the page cache ({@link DirectFileWriter}).
 */
final class NpyBlockSink implements BlockSink {
  private static final long serialVersionUID = 1L;

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
    DirectFileWriter w = new DirectFileWriter(Path.of(file));
    return new Part() {
      @Override
      public void write(long first, int n, double[] data, double[] values) throws IOException {
        w.write(data, n * perSample, dataOffset + first * perSample * 8L);
      }

      @Override
      public void commit() {}

      @Override
      public void close() throws IOException {
        w.close();
      }
    };
  }
}
