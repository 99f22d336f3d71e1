package io.batchjac.jobs.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashMap;
import java.util.Map;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.hadoop.CodecFactory;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.schema.MessageType;

/**
 * One part file of a {@code .parquet} result, written by the task that computed its samples
 * straight from the engine's result blocks: no Spark rows, no record assembly, no per-value
 * levels. Each column's pages are built in bulk ({@link ColumnPage}: values appended, levels
 * encoded once per page since every row has the same structure) and handed to parquet-hadoop's
 * page store and file writer, which compress them, index them and write the file.
 *
 * <p>The file is what Spark's own writer produces for {@link ParquetRows#sparkSchema}: the Parquet
 * schema of {@link ParquetRows#messageType} (Spark's standard 3-level lists, all fields required),
 * the Spark schema as JSON under {@link ParquetRows#SPARK_ROW_METADATA} (so Spark reads back the
 * flat layout's column metadata), Snappy-compressed, PLAIN-encoded (no dictionary), v1 data pages, page statistics
 * as parquet-hadoop computes them (without its optional size statistics). Rows are one sample each: {@code id}, {@code value} and the
 * derivative column (see {@link ParquetRows} for the order of a matrix's values).
 *
 * <p>Atomic: the file is written under a hidden temporary name (leading {@code .}, which Spark's
 * and pyarrow's readers skip) and renamed to its final name by {@link #commit}; {@link #close}
 * without a commit deletes it (after the write in flight has ended). The bytes go to the file
 * with direct I/O, 1 MiB at a time on a background thread ({@link DirectOutputFile}); since a row
 * group's pages are held in memory until it ends, each row group (for parts below 128 MiB, the
 * whole part) is written in one burst.
 */
final class ParquetPartWriter implements AutoCloseable {
  /** Row groups are cut at about this many buffered (compressed) bytes, Spark's default block size. */
  static final long ROW_GROUP_BYTES = 128L << 20;

  /** parquet-hadoop's defaults (index and statistics truncation, page checksums). */
  private static final ParquetProperties PROPERTIES = ParquetProperties.builder().build();

  /** The page store's buffers, reused from row group to row group on each thread. */
  private static final RecyclingAllocator ALLOCATOR = new RecyclingAllocator();

  /** The (empty) Hadoop configuration of the codec factories. */
  private static final org.apache.hadoop.conf.Configuration CONF = new org.apache.hadoop.conf.Configuration(false);

  private final ParquetRows rows;
  private final Path temp;
  private final Path target;
  /** The temporary file, written with direct I/O on a background thread. */
  private final DirectOutputFile out;
  private final ParquetFileWriter file;
  private final MessageType type;
  /** Snappy compressors: one factory per writer, since a factory's compressor is not thread-safe. */
  private final CodecFactory codecs = new CodecFactory(CONF, ParquetProperties.DEFAULT_PAGE_SIZE);
  private ColumnChunkPageWriteStore pages;
  private ColumnPage[] columns;
  private long rowsInGroup;
  private boolean committed;

  /** Opens {@code target}'s hidden temporary sibling for the rows of {@code rows}. */
  ParquetPartWriter(ParquetRows rows, Path target) throws IOException {
    this.rows = rows;
    this.target = target;
    this.temp = target.resolveSibling("." + target.getFileName() + ".tmp-" + java.util.UUID.randomUUID());
    this.type = rows.messageType();
    this.out = new DirectOutputFile(temp);
    this.file = new ParquetFileWriter(out, type, ParquetFileWriter.Mode.CREATE, ROW_GROUP_BYTES,
        0, PROPERTIES.getColumnIndexTruncateLength(), PROPERTIES.getStatisticsTruncateLength(),
        PROPERTIES.getPageWriteChecksumEnabled());
    file.start();
    newRowGroup();
  }

  private void newRowGroup() {
    pages = new ColumnChunkPageWriteStore(codecs.getCompressor(CompressionCodecName.SNAPPY), type,
        ALLOCATOR, PROPERTIES.getColumnIndexTruncateLength(),
        PROPERTIES.getPageWriteChecksumEnabled());
    columns = rows.pages(type, pages);
    rowsInGroup = 0;
  }

  /**
   * Appends the samples {@code [b0, b0 + count)}: {@code values} holds f's M values per sample
   * (sample s at {@code s * M}), {@code data} the derivative's per-sample blocks in the engine's
   * layout (sample s's block at {@code s * perSample}, a matrix in Fortran order); {@code data}
   * is ignored for eval.
   */
  void write(long b0, int count, double[] values, double[] data) throws IOException {
    rows.write(columns, b0, count, values, data);
    rowsInGroup += count;
    if (bufferedBytes() >= ROW_GROUP_BYTES) {
      flushRowGroup();
      newRowGroup();
    }
  }

  /** The compressed pages held for the current row group. */
  private long bufferedBytes() {
    long sum = 0;
    for (ColumnDescriptor d : type.getColumns()) {
      sum += pages.getPageWriter(d).getMemSize();
    }
    return sum;
  }

  private void flushRowGroup() throws IOException {
    if (rowsInGroup > 0) {
      file.startBlock(rowsInGroup);
      for (ColumnPage c : columns) {
        c.flush();
      }
      pages.flushToFileWriter(file);
      file.endBlock();
    }
    pages.close();
  }

  /** Finishes the file (its footer with the Spark schema) and renames it to its final name. */
  void commit() throws IOException {
    flushRowGroup();
    Map<String, String> meta = new HashMap<>(rows.footerMetadata());
    file.end(meta);
    codecs.release();
    Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    committed = true;
  }

  /** Deletes the temporary file unless committed. */
  @Override
  public void close() throws IOException {
    if (!committed) {
      try {
        pages.close();
        file.close(); // closes the stream without a footer (unless parquet-hadoop aborted it itself)
        codecs.release();
      } finally {
        try {
          out.closeStream(); // after an abort: waits for the write in flight before the delete
        } finally {
          Files.deleteIfExists(temp);
        }
      }
    }
  }
}
