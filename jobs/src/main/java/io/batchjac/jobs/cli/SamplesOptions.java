package io.batchjac.jobs.cli;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine.Option;

/**
 * The options that name a function and its samples, shared by the Spark subcommands (a picocli
 * mixin): {@code --spec}, and either {@code --input} (with {@code --columns} for tables) or
 * {@code --samples} with {@code --seed}.
 */
final class SamplesOptions {
  @Option(names = "--spec", required = true, paramLabel = "F.fn", description = "The function: a .fn file, an ONNX model (.onnx) or an inline spec.")
  String spec;

  @Option(names = "--input", paramLabel = "X", description = "Samples: .npy ((B, N) C order or (N, B) Fortran order), .parquet or .csv.")
  Path input;

  @Option(names = "--samples", paramLabel = "B", defaultValue = "-1", description = "Draw B samples from the spec's distributions instead of --input.")
  long samples;

  @Option(names = "--seed", defaultValue = "0", description = "Seed of --samples draws (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(names = "--columns", split = ",", paramLabel = "INPUT=COLUMN", description = "Table columns for spec inputs, e.g. x=features.")
  Map<String, String> columns = new LinkedHashMap<>();
}
