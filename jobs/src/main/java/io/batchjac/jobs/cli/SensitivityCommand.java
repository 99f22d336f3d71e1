package io.batchjac.jobs.cli;

import io.batchjac.jobs.core.Sensitivity;
import io.batchjac.jobs.core.SensitivityRequest;
import io.batchjac.jobs.core.SensitivitySummary;
import io.batchjac.jobs.core.SpecBundle;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code batchjac sensitivity}: derivative-based global sensitivity measures of every output to
 * every input in one distributed pass (docs/sensitivity.md), written to a directory (JSON, CSV,
 * PNG charts), with a ranking table printed at the end. Options shaped like {@link JobCommand}'s.
 */
@Command(name = "sensitivity", mixinStandardHelpOptions = true,
    description = "Derivative-based global sensitivity (DGSM, bounds on Sobol' total indices) of every output to every "
        + "input: DIR/sensitivity.json, sensitivity.csv and PNG charts.")
final class SensitivityCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Option(names = "--spec", required = true, paramLabel = "F.fn", description = "The function: a .fn file or an inline spec.")
  String specArg;

  @Option(names = "--samples", paramLabel = "B", defaultValue = "-1", description = "Draw B samples from the spec's distributions.")
  long samples;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of --samples draws (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--input", paramLabel = "X", description = "Your own samples instead of --samples: .npy ((B, N) C order or (N, B) Fortran order), .parquet or .csv.")
  Path input;

  @Option(names = "--columns", split = ",", paramLabel = "INPUT=COLUMN", description = "Table columns for spec inputs, e.g. x=features.")
  Map<String, String> columns = new LinkedHashMap<>();

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
    SensitivityRequest req = new SensitivityRequest(SpecBundle.of(specArg), input, samples, seed, columns, output,
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
