package io.batchjac.jobs.cli;

import io.batchjac.engine.api.Reduce;
import io.batchjac.jobs.core.DerivativeJob;
import io.batchjac.jobs.core.JobRequest;
import io.batchjac.jobs.core.JobSummary;
import io.batchjac.jobs.core.Operation;
import io.batchjac.jobs.core.ParquetLayout;
import io.batchjac.jobs.core.SpecBundle;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * The options every derivative job shares (docs/cli.md); the subcommands below fix the
 * operation and add their own arguments. Runs on embedded Spark {@code local[*]} unless
 * {@code --master} names a cluster.
 */
abstract class JobCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  SamplesOptions in;

  @Option(names = "--output", required = true, paramLabel = "OUT", description = "A .npy file (assembled on the driver) or a .parquet directory (written by the executors).")
  Path output;

  @Option(names = "--backend", defaultValue = "auto", description = "auto, forward or reverse (default ${DEFAULT-VALUE}).")
  String backend;

  @Option(names = "--chunk", defaultValue = "0", paramLabel = "K", description = "Directions pushed per pass (0: default).")
  int chunk;

  @Option(names = "--wrt", split = ",", paramLabel = "NAMES", description = "Differentiate with respect to these parameters instead of the inputs; a model's name means all of its parameters (NAME.P).")
  List<String> wrt;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master URL (default: embedded local[*]).")
  String master;

  @Option(names = "--partitions", defaultValue = "0", paramLabel = "P", description = "Spark partitions (0: a function of cores and B).")
  int partitions;

  @Option(names = "--parquet-layout", defaultValue = "nested", paramLabel = "nested|flat",
      description = "How a .parquet output stores jacobian/hessian matrices: nested = array<array<double>> [row][column]"
          + " (default); flat = one array<double>, row-major, M and N in the column's metadata (faster).")
  String parquetLayout;

  @Option(names = "--overwrite", description = "Replace an existing output.")
  boolean overwrite;

  @Option(names = "--reduce", paramLabel = "sum|mean", converter = ReduceConverter.class,
      description = "Write the sum or mean over the samples instead of per-sample results (no batch axis).")
  Reduce reduce;

  abstract Operation op();

  /** The tangent (jvp) or cotangent (vjp) file, else null. */
  Path extra() {
    return null;
  }

  @Override
  public Integer call() throws Exception {
    SpecBundle bundle = SpecBundle.of(in.spec);
    JobRequest req = new JobRequest(bundle, op(), backend, chunk, wrt, in.input, in.samples, in.seed, extra(), in.columns,
        output, overwrite, partitions, reduce, ParquetLayout.parse(parquetLayout));
    try (Sessions.Handle h = Sessions.open(master, "batchjac " + op().cliName())) {
      JobSummary s = DerivativeJob.run(h.spark(), req);
      spec.commandLine().getOut().println(s.line());
      spec.commandLine().getOut().flush();
    }
    return 0;
  }
}
