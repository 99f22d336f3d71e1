package io.batchjac.jobs.core;

import io.batchjac.engine.api.Reduce;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The output of a {@code --reduce} job, written by the driver under a temporary name and renamed
 * when complete:
 * <ul>
 *   <li>{@code .npy}: float64, Fortran order, the per-sample shape without the batch axis (eval
 *       and jvp (M), vjp (N), jacobian (M, N), hessian (N, N));</li>
 *   <li>{@code .parquet}: a directory with ONE row: {@code samples} (long, B), {@code reduce}
 *       (string, {@code sum} or {@code mean}) and the result in the column of the unreduced
 *       output ({@code value}, {@code jvp}, {@code vjp}: array&lt;double&gt;; {@code jacobian},
 *       {@code hessian}: array&lt;array&lt;double&gt;&gt; as [row][column]).</li>
 * </ul>
 */
final class ReducedOutput {
  private ReducedOutput() {}

  static void write(SparkSession spark, Path out, Operation op, Reduce reduce, long batch, Tensor result, boolean overwrite)
      throws IOException {
    if (DerivativeJob.extension(out).equals("npy")) {
      writeNpy(out, result, overwrite);
    } else {
      writeParquet(spark, out, op, reduce, batch, result, overwrite);
    }
  }

  private static void writeNpy(Path out, Tensor result, boolean overwrite) throws IOException {
    Path abs = out.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path temp = abs.getParent().resolve("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      Npy.write(temp, result);
      OutputReplacement.replace(temp, abs, overwrite);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void writeParquet(SparkSession spark, Path out, Operation op, Reduce reduce, long batch, Tensor result,
      boolean overwrite) throws IOException {
    DataType vec = DataTypes.createArrayType(DataTypes.DoubleType, false);
    boolean matrix = result.shape().rank() == 2;
    StructType schema = new StructType()
        .add("samples", DataTypes.LongType, false)
        .add("reduce", DataTypes.StringType, false)
        .add(op.column(), matrix ? DataTypes.createArrayType(vec, false) : vec, false);
    Object value = matrix ? ParquetOutput.matrix(result.data(), 0, result.shape().dim(0), result.shape().dim(1)) : result.data();
    Row row = RowFactory.create(batch, reduce.cliName(), value);
    ParquetOutput.commit(spark.createDataFrame(List.of(row), schema).coalesce(1), out, overwrite);
  }
}
