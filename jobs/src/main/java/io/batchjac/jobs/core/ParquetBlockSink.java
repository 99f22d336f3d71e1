package io.batchjac.jobs.core;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Tasks writing their samples as one Parquet part file each ({@link ParquetPartWriter}) into the
 * job's temporary output directory, named after the range's first sample
 * ({@code part-000000031250.snappy.parquet}, so that file order is sample order). A failed or
 * retried attempt leaves no part behind under that name; the driver renames the directory when
 * every sample is in (see {@link ParquetOutput}).
 */
final class ParquetBlockSink implements BlockSink {
  private static final long serialVersionUID = 1L;

  private final String dir;
  private final ParquetRows rows;

  ParquetBlockSink(String dir, ParquetRows rows) {
    this.dir = dir;
    this.rows = rows;
  }

  /** The part file of the range starting at sample {@code b0}. */
  static String partName(long b0) {
    return String.format(Locale.ROOT, "part-%012d.snappy.parquet", b0);
  }

  @Override
  public boolean needsValues() {
    return true;
  }

  @Override
  public Part open(long b0, int count) throws IOException {
    ParquetPartWriter w = new ParquetPartWriter(rows, Path.of(dir, partName(b0)));
    return new Part() {
      @Override
      public void write(long first, int n, double[] data, double[] values) throws IOException {
        w.write(first, n, values, data);
      }

      @Override
      public void commit() throws IOException {
        w.commit();
      }

      @Override
      public void close() throws IOException {
        w.close();
      }
    };
  }
}
