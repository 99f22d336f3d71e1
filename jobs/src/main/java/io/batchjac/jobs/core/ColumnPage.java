package io.batchjac.jobs.core;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.Encoding;
import org.apache.parquet.column.page.PageWriter;
import org.apache.parquet.column.statistics.Statistics;

/**
 * The data page under construction of one leaf column whose rows all have the same structure
 * (as every column of {@link ParquetRows} does: a fixed number of values per row, in lists of
 * fixed lengths). Values are appended in bulk, 8 bytes each (PLAIN: little-endian float64 or
 * int64); the levels are not written value by value: a page of R rows has R copies of the one
 * row's repetition levels, and one definition level for all its entries, so both are encoded once
 * per page as runs of the RLE/bit-packing hybrid (RLE runs only), as a Parquet v1 data page holds
 * them (each with its 4-byte length). Statistics are parquet-hadoop's own: for doubles, the page's
 * minimum and maximum in the order of {@link Double#compare} (what its statistics keep, order
 * independent) are tracked here with plain comparisons and handed over once per page. Full pages
 * go to the {@link PageWriter} (which compresses them).
 */
final class ColumnPage {
  /**
   * Target bytes of values per page: 256 KiB, a quarter of parquet-hadoop's default 1 MiB. The
   * page store copies each page two or three times into fresh arrays of its size (checksum,
   * compression, the row group's buffer). Under G1 with 1 MiB regions (every heap up to 2 GiB,
   * Spark's default executor included) an array of 512 KiB or more is "humongous": allocated
   * outside the young generation, zeroed, and reclaimed only by special collections. With 1 MiB
   * pages a million mlp Jacobians as Parquet took 1.9-2.1x the time of {@code .npy}; with 256 KiB
   * pages 1.2-1.4x (docs/benchmarks.md, session 10). Readers are not affected: a row group holds
   * more, smaller pages.
   */
  static final int PAGE_BYTES = 256 << 10;
  /** At most this many rows per page (parquet-hadoop's default page row count limit). */
  static final int PAGE_ROWS = 20_000;

  private final ColumnDescriptor column;
  private final PageWriter writer;
  private final int valuesPerRow;
  /** One row's repetition levels, RLE-encoded (empty when the column repeats nothing). */
  private final byte[] rowRepetitions;
  /** Level entries of one row (values, or one null entry for an empty list). */
  private final int entriesPerRow;
  private final int definition;
  private final int rowsPerPage;
  private final ByteBuffer values;
  private Statistics<?> stats;
  private int rows;
  /** The page's doubles so far: least and greatest non-NaN (by {@code <}), whether NaN, -0.0, +0.0 occurred. */
  private double lo = Double.POSITIVE_INFINITY;
  private double hi = Double.NEGATIVE_INFINITY;
  private boolean nan;
  private boolean negativeZero;
  private boolean positiveZero;
  private boolean anyDouble;

  /**
   * A column whose every row has {@code valuesPerRow} values with the repetition levels
   * {@code repetitionRuns} (pairs level, count: the levels of one row as runs) and the
   * definition level {@code definition} for all its {@code entriesPerRow} entries.
   */
  ColumnPage(ColumnDescriptor column, PageWriter writer, int valuesPerRow, int[] repetitionRuns, int entriesPerRow,
      int definition) {
    this.column = column;
    this.writer = writer;
    this.valuesPerRow = valuesPerRow;
    this.entriesPerRow = entriesPerRow;
    this.definition = definition;
    ByteArrayOutputStream rle = new ByteArrayOutputStream();
    if (column.getMaxRepetitionLevel() > 0) {
      for (int k = 0; k < repetitionRuns.length; k += 2) {
        run(rle, repetitionRuns[k], repetitionRuns[k + 1]);
      }
    }
    this.rowRepetitions = rle.toByteArray();
    this.rowsPerPage = (int) Math.max(1, Math.min(PAGE_ROWS, PAGE_BYTES / (8L * Math.max(1, valuesPerRow))));
    this.values = ByteBuffer.allocate(rowsPerPage * valuesPerRow * 8).order(ByteOrder.LITTLE_ENDIAN);
    this.stats = Statistics.createStats(column.getPrimitiveType());
  }

  /** One RLE run of the hybrid encoding: header {@code count << 1} (unsigned varint), then the level in one byte. */
  private static void run(ByteArrayOutputStream out, int level, long count) {
    long header = count << 1;
    while ((header & ~0x7FL) != 0) {
      out.write((int) ((header & 0x7F) | 0x80));
      header >>>= 7;
    }
    out.write((int) header);
    out.write(level); // levels here are at most 2: bit width <= 8, one byte
  }

  /** What parquet-hadoop's v1 writer declares for levels: RLE, or BIT_PACKED (nothing written) for a level always 0. */
  private static Encoding levelEncoding(int maxLevel) {
    return maxLevel == 0 ? Encoding.BIT_PACKED : Encoding.RLE;
  }

  /** Appends a double of the current row. */
  void put(double v) {
    values.putDouble(v);
    if (v < lo) {
      lo = v;
    }
    if (v > hi) {
      hi = v;
    }
    if (v != v) {
      nan = true;
    } else if (v == 0) {
      if (Double.doubleToRawLongBits(v) < 0) {
        negativeZero = true;
      } else {
        positiveZero = true;
      }
    }
    anyDouble = true;
  }

  /**
   * Hands the page's double minimum and maximum to the statistics: by {@link Double#compare},
   * -0.0 is below +0.0 and NaN above everything (the minimum is NaN only when every value is).
   */
  private void doubleStatistics() {
    if (!anyDouble) {
      return;
    }
    double min;
    double max;
    if (lo > hi) { // no value but NaN
      min = Double.NaN;
      max = Double.NaN;
    } else {
      min = lo == 0 ? (negativeZero ? -0.0 : 0.0) : lo;
      max = nan ? Double.NaN : hi == 0 ? (positiveZero ? 0.0 : -0.0) : hi;
    }
    stats.updateStats(min);
    stats.updateStats(max);
    lo = Double.POSITIVE_INFINITY;
    hi = Double.NEGATIVE_INFINITY;
    nan = false;
    negativeZero = false;
    positiveZero = false;
    anyDouble = false;
  }

  /** Appends a long of the current row. */
  void put(long v) {
    values.putLong(v);
    stats.updateStats(v);
  }

  /** Ends the current row (after its {@code valuesPerRow} values); writes the page when full. */
  void endRow() throws IOException {
    if (valuesPerRow < entriesPerRow) {
      stats.incrementNumNulls(entriesPerRow - valuesPerRow);
    }
    if (++rows == rowsPerPage) {
      flush();
    }
  }

  /** Writes the rows so far as one page (nothing when there are none). */
  void flush() throws IOException {
    if (rows == 0) {
      return;
    }
    doubleStatistics();
    BytesInput levels = BytesInput.empty();
    if (column.getMaxRepetitionLevel() > 0) {
      byte[] rl = new byte[rowRepetitions.length * rows];
      for (int r = 0; r < rows; r++) {
        System.arraycopy(rowRepetitions, 0, rl, r * rowRepetitions.length, rowRepetitions.length);
      }
      levels = BytesInput.concat(BytesInput.fromInt(rl.length), BytesInput.from(rl));
    }
    if (column.getMaxDefinitionLevel() > 0) {
      ByteArrayOutputStream dl = new ByteArrayOutputStream(12);
      run(dl, definition, (long) entriesPerRow * rows);
      levels = BytesInput.concat(levels, BytesInput.fromInt(dl.size()), BytesInput.from(dl.toByteArray()));
    }
    BytesInput page = BytesInput.concat(levels, BytesInput.from(values.array(), 0, values.position()));
    writer.writePage(page, entriesPerRow * rows, rows, stats, levelEncoding(column.getMaxRepetitionLevel()),
        levelEncoding(column.getMaxDefinitionLevel()), Encoding.PLAIN);
    values.clear();
    stats = Statistics.createStats(column.getPrimitiveType());
    rows = 0;
  }
}
