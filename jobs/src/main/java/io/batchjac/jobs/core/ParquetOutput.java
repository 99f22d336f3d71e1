package io.batchjac.jobs.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;

/**
 * A {@code .parquet} result ({@link ParquetRows}: one row per sample), written by the executors:
 * each task computes its range of samples and writes it as one part file with parquet-hadoop's
 * column writers ({@link ParquetPartWriter}), not through Spark's row writer. The parts go to a
 * temporary directory beside the target, which is renamed to the target when every sample is in
 * (with Spark's {@code _SUCCESS} marker) and removed on failure: no half-written output.
 */
final class ParquetOutput {
  private ParquetOutput() {}

  /** Runs the job's tasks writing Parquet parts and commits the directory; returns the executors' BLAS. */
  static String write(SparkSession spark, Inputs in, PartitionTask task, int parts, Path out, ParquetRows rows,
      boolean overwrite) throws IOException {
    String[] blas = {null};
    commit(out, overwrite, temp -> {
      Files.createDirectories(temp);
      PartitionTask t = task.writingTo(new ParquetBlockSink(temp.toString(), rows));
      List<PartitionTask.Result> done = in.results(spark, t, parts, false).collect();
      long written = 0;
      for (PartitionTask.Result r : done) {
        written += r.count();
        blas[0] = r.blas();
      }
      if (written != in.batch()) {
        throw new IllegalStateException("internal error: " + written + " of " + in.batch() + " samples written");
      }
      removeHidden(temp); // what attempts that failed on a lost executor may have left
      Files.createFile(temp.resolve("_SUCCESS"));
    });
    return blas[0] == null ? io.batchjac.engine.exec.Blas.describe() : blas[0];
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
   * Writes {@code df} with Spark's writer to a temporary directory beside {@code out} and renames
   * it to {@code out} (see {@link #commit(Path, boolean, Writer)}).
   */
  static void commit(Dataset<Row> df, Path out, boolean overwrite) throws IOException {
    // Dictionary encoding does not pay on derivatives (nearly all values distinct): Parquet
    // builds a dictionary per page, finds it too large and falls back (docs/benchmarks.md).
    commit(out, overwrite,
        temp -> df.write().mode(SaveMode.ErrorIfExists).option("parquet.enable.dictionary", "false").parquet(temp.toString()));
  }

  /** What fills the temporary directory (which does not exist yet when it is called with Spark's writer). */
  interface Writer {
    void write(Path temp) throws IOException;
  }

  /**
   * Lets {@code writer} fill a temporary directory beside {@code out}, then renames it to
   * {@code out} (replacing an existing one when {@code overwrite}, deleted in the background: see
   * {@link OutputReplacement}); the temporary directory is
   * removed on failure.
   */
  static void commit(Path out, boolean overwrite, Writer writer) throws IOException {
    Path abs = out.toAbsolutePath();
    Files.createDirectories(abs.getParent());
    Path temp = abs.getParent().resolve("." + abs.getFileName() + ".tmp-" + UUID.randomUUID());
    try {
      writer.write(temp);
      OutputReplacement.replace(temp, abs, overwrite);
    } finally {
      if (Files.exists(temp)) {
        OutputReplacement.deleteTree(temp);
      }
    }
  }

  /** Deletes the hidden files (leading {@code .}) directly in {@code dir}. */
  private static void removeHidden(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(q -> q.getFileName().toString().startsWith(".")).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
