package io.batchjac.jobs.core;

import io.batchjac.engine.api.Reduce;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Everything a derivative job needs, as given on the command line (docs/cli.md).
 *
 * @param spec the function
 * @param op what to compute per sample
 * @param backend auto, forward or reverse
 * @param chunk directions pushed at once (0: default)
 * @param wrt parameters to differentiate with respect to (empty: the inputs)
 * @param input a {@code .npy}, {@code .parquet} or {@code .csv} path, or null with {@code samples}
 * @param samples samples to draw from the spec's distributions (when {@code input} is null)
 * @param seed seed of the draws
 * @param extra the tangent (jvp) or cotangent (vjp) {@code .npy}, else null
 * @param columns table column names by spec input name (empty: the spec's names)
 * @param output a {@code .npy} file or {@code .parquet} directory
 * @param overwrite replace an existing output
 * @param partitions Spark partitions (0: default)
 * @param reduce the sum or mean over the batch instead of per-sample results, or null
 * @param parquetLayout how a {@code .parquet} output stores per-sample matrices
 */
public record JobRequest(SpecBundle spec, Operation op, String backend, int chunk, List<String> wrt,
    Path input, long samples, long seed, Path extra, Map<String, String> columns, Path output,
    boolean overwrite, int partitions, Reduce reduce, ParquetLayout parquetLayout) {

  /** A request for per-sample results (no reduction), with the default (nested) Parquet layout. */
  public JobRequest(SpecBundle spec, Operation op, String backend, int chunk, List<String> wrt, Path input, long samples,
      long seed, Path extra, Map<String, String> columns, Path output, boolean overwrite, int partitions) {
    this(spec, op, backend, chunk, wrt, input, samples, seed, extra, columns, output, overwrite, partitions, null,
        ParquetLayout.NESTED);
  }
}
