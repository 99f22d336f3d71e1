package io.batchjac.jobs.core;

import java.nio.file.Path;
import java.util.Map;

/**
 * Everything a sensitivity analysis needs, as given on the command line
 * ({@code batchjac sensitivity}).
 *
 * @param spec the function
 * @param input a {@code .npy}, {@code .parquet} or {@code .csv} of samples, or null with {@code samples}
 * @param samples samples to draw from the spec's distributions (when {@code input} is null; else -1)
 * @param seed seed of the draws
 * @param columns table column names by spec input name (empty: the spec's names)
 * @param output the directory to create
 * @param overwrite replace an existing output directory
 * @param partitions Spark partitions (0: default)
 */
public record SensitivityRequest(SpecBundle spec, Path input, long samples, long seed, Map<String, String> columns,
    Path output, boolean overwrite, int partitions) {}
