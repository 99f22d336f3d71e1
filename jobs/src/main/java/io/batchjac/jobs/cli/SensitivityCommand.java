package io.batchjac.jobs.cli;

import io.batchjac.jobs.core.Sensitivity;
import io.batchjac.jobs.core.SensitivityRequest;
import io.batchjac.jobs.core.SensitivitySummary;
import io.batchjac.jobs.core.SpecBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code batchjac sensitivity}: derivative-based global sensitivity measures of every output to
 * every input in one distributed pass (docs/sensitivity.md), written to a directory (JSON, CSV,
 * PNG charts), with a ranking table printed at the end. Shares {@link SamplesOptions} with {@link JobCommand}.
 */
@Command(name = "sensitivity", mixinStandardHelpOptions = true,
    description = "Derivative-based global sensitivity (DGSM, bounds on Sobol' total indices) of every output to every "
        + "input: DIR/sensitivity.json, sensitivity.csv and PNG charts.")
final class SensitivityCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Mixin
  SamplesOptions in;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "The directory to create.")
  Path output;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master URL (default: embedded local[*]).")
  String master;

  @Option(names = "--partitions", defaultValue = "0", paramLabel = "P", description = "Spark partitions (0: twice the cores).")
  int partitions;

  @Option(names = "--overwrite", description = "Replace an existing DIR.")
  boolean overwrite;

  @Override
  public Integer call() throws Exception {
    SensitivityRequest req = new SensitivityRequest(SpecBundle.of(in.spec), in.input, in.samples, in.seed, in.columns, output,
        overwrite, partitions);
    try (Sessions.Handle h = Sessions.open(master, "batchjac sensitivity")) {
      SensitivitySummary s = Sensitivity.run(h.spark(), req);
      PrintWriter out = spec.commandLine().getOut();
      out.print(s.table());
      out.println(s.line());
      out.flush();
    }
    return 0;
  }
}
