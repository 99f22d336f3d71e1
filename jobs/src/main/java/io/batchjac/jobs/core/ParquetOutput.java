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
import org.apache.spark.sql.types.StructType;

/**
 * A {@code .parquet} result written by the executors: one row per sample with {@code id} (the
 * sample's index), {@code value} (f at the sample, M values) and the derivative column
 * ({@code jvp}/{@code vjp} array&lt;double&gt;, {@code jacobian}/{@code hessian}
 * array&lt;array&lt;double&gt;&gt; as [row][column]). Written to a temporary directory beside the
 * target and renamed when complete.
 */
final class ParquetOutput {
  private ParquetOutput() {}

  static String write(SparkSession spark, JavaRDD<PartitionTask.Result> results, Path out, Operation op, int m,
      int[] dims, boolean overwrite) throws IOException {
    boolean matrix = dims.length == 2;
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("value", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    if (op != Operation.EVAL) {
      DataType vec = DataTypes.createArrayType(DataTypes.DoubleType, false);
      schema = schema.add(op.column(), matrix ? DataTypes.createArrayType(vec, false) : vec, false);
    }
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
        if (op == Operation.EVAL) {
          list.add(RowFactory.create(b.b0() + s, value));
        } else if (!matrix) {
          list.add(RowFactory.create(b.b0() + s, value, java.util.Arrays.copyOfRange(data, s * perSample, (s + 1) * perSample)));
        } else {
          list.add(RowFactory.create(b.b0() + s, value, matrix(data, s * perSample, dims[0], dims[1])));
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
      df.write().mode(SaveMode.ErrorIfExists).parquet(temp.toString());
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

  static void deleteTree(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      for (Path q : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }
}
