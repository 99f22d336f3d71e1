package io.batchjac.jobs.core;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.stats.SensitivityAnalysis;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import scala.Tuple2;

/**
 * Where a job's samples come from, and how they become partitions of work: a {@code .npy} file or
 * draws from the spec's distributions are cut into contiguous ranges ({@code --partitions});
 * a Parquet or CSV table keeps its own partitions, its rows numbered in order.
 */
abstract class Inputs {
  abstract long batch();

  /** The range-readable source, or null for tables. */
  abstract BatchSource source();

  abstract JavaRDD<PartitionTask.Result> results(SparkSession spark, PartitionTask task, int parts, boolean withValues);

  static Inputs of(SparkSession spark, JobRequest r, Graph f) throws IOException {
    return of(spark, r.spec(), r.input(), r.samples(), r.seed(), r.columns(), f);
  }

  /**
   * The samples of a run: the {@code input} file ({@code .npy}, {@code .parquet}, {@code .csv};
   * {@code samples} must then be -1), or else {@code samples} draws from the spec's distributions.
   */
  static Inputs of(SparkSession spark, SpecBundle spec, Path input, long samples, long seed, Map<String, String> columns,
      Graph f) throws IOException {
    if (samples < -1) {
      throw new IllegalArgumentException("--samples must be at least 0, got " + samples);
    }
    if (input == null) {
      if (samples < 0) {
        throw new IllegalArgumentException("give --input FILE or --samples B");
      }
      return new Ranges(new SampledSource(spec, samples, seed));
    }
    if (samples >= 0) {
      throw new IllegalArgumentException("give either --input or --samples, not both");
    }
    Path p = input;
    String ext = DerivativeJob.extension(p);
    if (!Files.exists(p)) {
      throw new IllegalArgumentException("--input " + p + ": file not found");
    }
    return switch (ext) {
      case "npy" -> new Ranges(NpySource.open("--input", p, f.inputSize()));
      case "parquet", "csv" -> Table.open(spark, p, ext, f, columns);
      default -> throw new IllegalArgumentException("--input " + p + ": expected a .npy, .parquet or .csv file");
    };
  }

  /** What one task does with its contiguous blocks {@code [fromBlock, toBlock)} of samples. */
  interface BlockTask<T> extends Serializable {
    /** @param rows reads the task's samples, each block once, in increasing order */
    T run(long fromBlock, long toBlock, SensitivityAnalysis.Rows rows);
  }

  /**
   * Runs {@code task} on block-aligned partitions: block k holds the samples
   * {@code [k * blockSize, (k + 1) * blockSize)} (the last may be shorter), and the blocks are
   * cut into {@code parts} contiguous ranges ({@link DerivativeJob#ranges}), one partition each.
   * Table rows are first moved to the partition of their block (a shuffle, sorted by row number).
   */
  abstract <T> JavaRDD<T> byBlocks(SparkSession spark, int blockSize, int parts, BlockTask<T> task);

  static long blocks(long batch, int blockSize) {
    return (batch + blockSize - 1) / blockSize;
  }

  /** Default partitions of a {@link #byBlocks} pass: twice the cores (balance), at most one per block. */
  static int blockPartitions(SparkSession spark, long batch, int blockSize) {
    int cores = Math.max(1, spark.sparkContext().defaultParallelism());
    return (int) Math.max(1, Math.min(2L * cores, blocks(batch, blockSize)));
  }

  /** Samples readable by index range: one partition per range. */
  static final class Ranges extends Inputs {
    private final BatchSource source;

    Ranges(BatchSource source) {
      this.source = source;
    }

    @Override
    long batch() {
      return source.batch();
    }

    @Override
    BatchSource source() {
      return source;
    }

    @Override
    JavaRDD<PartitionTask.Result> results(SparkSession spark, PartitionTask task, int parts, boolean withValues) {
      List<long[]> ranges = DerivativeJob.ranges(source.batch(), parts);
      return DerivativeJob.jsc(spark).parallelize(ranges, parts).map(range -> {
        try {
          return task.run(range[0], (int) (range[1] - range[0]), withValues);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      });
    }

    @Override
    <T> JavaRDD<T> byBlocks(SparkSession spark, int blockSize, int parts, BlockTask<T> task) {
      BatchSource src = source;
      List<long[]> ranges = DerivativeJob.ranges(blocks(src.batch(), blockSize), parts);
      return DerivativeJob.jsc(spark).parallelize(ranges, parts).map(r -> task.run(r[0], r[1], (b0, count) -> {
        try {
          return src.rows(b0, count);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }));
    }
  }

  /** A Parquet or CSV table: one column per spec input (numeric for scalars, arrays for tensors). */
  static final class Table extends Inputs {
    private final Dataset<Row> rows;
    private final long batch;
    private final int[] sizes;
    private final String path;

    private Table(Dataset<Row> rows, long batch, int[] sizes, String path) {
      this.rows = rows;
      this.batch = batch;
      this.sizes = sizes;
      this.path = path;
    }

    static Table open(SparkSession spark, Path p, String ext, Graph f, Map<String, String> columns) {
      Dataset<Row> df = ext.equals("csv")
          ? spark.read().option("header", "true").option("inferSchema", "true").csv(p.toString())
          : spark.read().parquet(p.toString());
      List<String> available = Arrays.asList(df.columns());
      List<Column> select = new ArrayList<>();
      int[] sizes = new int[f.inputs().size()];
      for (int i = 0; i < sizes.length; i++) {
        Node in = f.inputs().get(i);
        String col = columns.getOrDefault(in.name(), in.name());
        if (!available.contains(col)) {
          throw new IllegalArgumentException("--input " + p + ": no column '" + col + "' for input '" + in.name()
              + "' (columns: " + available + "; map names with --columns " + in.name() + "=COLUMN)");
        }
        StructField field = df.schema().apply(col);
        sizes[i] = in.shape().size();
        boolean scalar = in.shape().rank() == 0;
        if (scalar && !(field.dataType() instanceof NumericType)) {
          throw new IllegalArgumentException("--input " + p + ": column '" + col + "' is " + field.dataType().simpleString()
              + " but input '" + in.name() + "' is a scalar: expected a numeric column");
        }
        if (!scalar && !(field.dataType() instanceof ArrayType at && at.elementType() instanceof NumericType)) {
          throw new IllegalArgumentException("--input " + p + ": column '" + col + "' is " + field.dataType().simpleString()
              + " but input '" + in.name() + "' has shape " + in.shape() + ": expected an array of " + sizes[i] + " numbers");
        }
        select.add(functions.col(col).cast(scalar ? DataTypes.DoubleType : DataTypes.createArrayType(DataTypes.DoubleType)));
      }
      Dataset<Row> picked = df.select(select.toArray(new Column[0]));
      return new Table(picked, picked.count(), sizes, p.toString());
    }

    @Override
    long batch() {
      return batch;
    }

    @Override
    BatchSource source() {
      return null;
    }

    @Override
    JavaRDD<PartitionTask.Result> results(SparkSession spark, PartitionTask task, int parts, boolean withValues) {
      int[] sizes = this.sizes;
      String[] names = rows.columns();
      String where = path;
      JavaPairRDD<Row, Long> numbered = rows.javaRDD().zipWithIndex();
      return numbered.mapPartitions((Iterator<Tuple2<Row, Long>> it) -> {
        List<PartitionTask.Result> out = new ArrayList<>();
        List<Tuple2<Row, Long>> all = new ArrayList<>();
        it.forEachRemaining(all::add);
        if (all.isEmpty()) {
          return out.iterator();
        }
        int width = Arrays.stream(sizes).sum();
        double[] x = new double[all.size() * width];
        for (int s = 0; s < all.size(); s++) {
          values(all.get(s)._1(), all.get(s)._2(), sizes, names, where, x, s * width);
        }
        out.add(task.run(all.get(0)._2(), all.size(), x, withValues));
        return out.iterator();
      });
    }

    @Override
    <T> JavaRDD<T> byBlocks(SparkSession spark, int blockSize, int parts, BlockTask<T> task) {
      int[] sizes = this.sizes;
      String[] names = rows.columns();
      String where = path;
      int width = Arrays.stream(sizes).sum();
      long blocks = blocks(batch, blockSize);
      List<long[]> ranges = DerivativeJob.ranges(blocks, parts);
      JavaPairRDD<Long, double[]> numbered = rows.javaRDD().zipWithIndex().mapToPair(t -> {
        double[] v = new double[width];
        values(t._1(), t._2(), sizes, names, where, v, 0);
        return new Tuple2<>(t._2(), v);
      });
      return numbered.repartitionAndSortWithinPartitions(new BlockPartitioner(blocks, blockSize, parts))
          .mapPartitionsWithIndex((p, it) -> {
            long[] r = ranges.get(p);
            T result = task.run(r[0], r[1], (b0, count) -> {
              double[] x = new double[count * width];
              for (int s = 0; s < count; s++) {
                Tuple2<Long, double[]> row = it.next();
                if (row._1() != b0 + s) {
                  throw new IllegalStateException("internal error: row " + row._1() + " where row " + (b0 + s) + " belongs");
                }
                System.arraycopy(row._2(), 0, x, s * width, width);
              }
              return x;
            });
            return List.of(result).iterator();
          }, false);
    }

    /** Row {@code id}'s input values (the spec's order), written to {@code x} from {@code at}. */
    private static void values(Row row, long id, int[] sizes, String[] names, String where, double[] x, int at) {
      for (int c = 0; c < sizes.length; c++) {
        if (row.isNullAt(c)) {
          throw new IllegalArgumentException(where + ": row " + id + " (0-based): column '" + names[c] + "' is null");
        }
        Object v = row.get(c);
        if (v instanceof Double d) {
          x[at++] = d;
        } else {
          List<Object> list = row.getList(c);
          if (list.size() != sizes[c]) {
            throw new IllegalArgumentException(where + ": row " + id + " (0-based): column '" + names[c] + "' has " + list.size()
                + " values, expected " + sizes[c]);
          }
          for (int k = 0; k < list.size(); k++) {
            Object e = list.get(k);
            if (e == null) {
              throw new IllegalArgumentException(where + ": row " + id + " (0-based): column '" + names[c] + "' has a null at position " + k);
            }
            x[at++] = (Double) e;
          }
        }
      }
    }
  }

  /**
   * Sends row number {@code id} to the partition holding its block: partition p holds the blocks
   * {@code [blocks * p / parts, blocks * (p + 1) / parts)} (as {@link DerivativeJob#ranges}).
   */
  static final class BlockPartitioner extends org.apache.spark.Partitioner {
    private static final long serialVersionUID = 1L;
    private final long blocks;
    private final int blockSize;
    private final int parts;

    BlockPartitioner(long blocks, int blockSize, int parts) {
      this.blocks = blocks;
      this.blockSize = blockSize;
      this.parts = parts;
    }

    @Override
    public int numPartitions() {
      return parts;
    }

    @Override
    public int getPartition(Object key) {
      long block = (Long) key / blockSize;
      // the largest p with blocks * p / parts <= block
      return (int) (((block + 1) * parts - 1) / blocks);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof BlockPartitioner b && b.blocks == blocks && b.blockSize == blockSize && b.parts == parts;
    }

    @Override
    public int hashCode() {
      return java.util.Objects.hash(blocks, blockSize, parts);
    }
  }
}
