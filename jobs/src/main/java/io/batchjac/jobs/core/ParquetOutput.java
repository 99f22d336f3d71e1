package io.batchjac.jobs.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;

/**
 * A {@code .parquet} result written by the executors: one row per sample with {@code id} (the
 * sample's index), {@code value} (f at the sample, M values) and the derivative column
 * ({@code jvp}/{@code vjp} array&lt;double&gt;; {@code jacobian}/{@code hessian} as the
 * {@link ParquetLayout} says: array&lt;array&lt;double&gt;&gt; [row][column], or one row-major
 * array&lt;double&gt; with {@code rows}/{@code cols} in the column's metadata). Written to a
 * temporary directory beside the target and renamed when complete.
 */
final class ParquetOutput {
  /** Metadata keys of a flat matrix column: its row count, column count and element order. */
  static final String ROWS = "rows";
  static final String COLS = "cols";
  static final String LAYOUT = "layout";
  static final String ROW_MAJOR = "row-major";

  private ParquetOutput() {}

  /** The summary's description of the rows written. */
  static String describe(Operation op, int[] dims, ParquetLayout layout) {
    String column = op == Operation.EVAL ? "" : ", " + op.column();
    if (dims.length == 2 && op != Operation.EVAL) {
      column += layout == ParquetLayout.FLAT
          ? " flat row-major array<double> of " + dims[0] + "x" + dims[1]
          : " array<array<double>> [" + dims[0] + "][" + dims[1] + "]";
    }
    return "(Parquet, one row per sample: id, value" + column + ")";
  }

  /** The rows' schema: id, value and (unless eval) the derivative column in {@code layout}. */
  static StructType schema(Operation op, int[] dims, ParquetLayout layout) {
    DataType vec = DataTypes.createArrayType(DataTypes.DoubleType, false);
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("value", vec, false);
    if (op == Operation.EVAL) {
      return schema;
    }
    if (dims.length != 2) {
      return schema.add(op.column(), vec, false);
    }
    if (layout == ParquetLayout.NESTED) {
      return schema.add(op.column(), DataTypes.createArrayType(vec, false), false);
    }
    Metadata meta = new MetadataBuilder().putLong(ROWS, dims[0]).putLong(COLS, dims[1]).putString(LAYOUT, ROW_MAJOR)
        .build();
    return schema.add(op.column(), vec, false, meta);
  }

  static String write(SparkSession spark, JavaRDD<PartitionTask.Result> results, Path out, Operation op, int m,
      int[] dims, boolean overwrite, ParquetLayout layout) throws IOException {
    StructType schema = schema(op, dims, layout);
    boolean nested = dims.length == 2 && layout == ParquetLayout.NESTED;
    boolean rowMajor = dims.length == 2 && layout == ParquetLayout.FLAT;
    int per = 1;
    for (int d : dims) {
      per *= d;
    }
    int perSample = per;
    JavaRDD<Row> rows = results.flatMap(b -> {
      List<Row> list = new ArrayList<>(b.count());
      double[] values = b.values();
      double[] data = b.data();
      for (int s = 0; s < b.count(); s++) {
        double[] value = java.util.Arrays.copyOfRange(values, s * m, (s + 1) * m);
        int base = s * perSample;
        if (op == Operation.EVAL) {
          list.add(RowFactory.create(b.b0() + s, value));
        } else if (nested) {
          list.add(RowFactory.create(b.b0() + s, value, matrix(data, base, dims[0], dims[1])));
        } else if (rowMajor) {
          list.add(RowFactory.create(b.b0() + s, value, rowMajor(data, base, dims[0], dims[1])));
        } else {
          list.add(RowFactory.create(b.b0() + s, value, java.util.Arrays.copyOfRange(data, base, base + perSample)));
        }
      }
      return list.iterator();
    });
    commit(spark.createDataFrame(rows, schema), out, overwrite);
    return io.batchjac.engine.exec.Blas.describe();
  }

  /** The Fortran-order (r, c) block at {@code data[offset ..]} as {@code [row][col]}. */
  static double[][] matrix(double[] data, int offset, int r, int c) {
    double[][] mat = new double[r][c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        mat[i][j] = data[offset + i + r * j];
      }
    }
    return mat;
  }

  /**
   * Writes {@code df} to a temporary directory beside {@code out} and renames it to {@code out}
   * (replacing an existing one when {@code overwrite}); the temporary directory is removed on failure.
   */
  static void commit(Dataset<Row> df, Path out, boolean overwrite) throws IOException {
    Path abs = out.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path temp = abs.getParent().resolve("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      // Dictionary encoding does not pay on derivatives (nearly all values distinct): Parquet
      // builds a dictionary per page, finds it too large and falls back, ~20% of the write's
      // CPU time in a profile of the 1e6-sample mlp Jacobian (docs/benchmarks.md).
      df.write().mode(SaveMode.ErrorIfExists).option("parquet.enable.dictionary", "false").parquet(temp.toString());
      if (overwrite && Files.exists(abs)) {
        deleteTree(abs);
      }
      Files.move(temp, abs, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      if (Files.exists(temp)) {
        deleteTree(temp);
      }
    }
  }

  /** The Fortran-order (r, c) block at {@code data[base..]} in row-major order: element (i, j) at i * c + j. */
  static double[] rowMajor(double[] data, int base, int r, int c) {
    double[] flat = new double[r * c];
    for (int i = 0; i < r; i++) {
      for (int j = 0; j < c; j++) {
        flat[i * c + j] = data[base + i + r * j];
      }
    }
    return flat;
  }

  static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
