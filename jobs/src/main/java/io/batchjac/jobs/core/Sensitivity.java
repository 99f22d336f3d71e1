package io.batchjac.jobs.core;

import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.stats.SensitivityAggregate;
import io.batchjac.engine.stats.SensitivityAnalysis;
import io.batchjac.engine.stats.SensitivityReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Derivative-based global sensitivity analysis on Spark: the Java API of
 * {@code batchjac sensitivity} (docs/sensitivity.md). One distributed pass computes, for every
 * output m and input n, the DGSM {@code E[(df_m/dx_n)^2]} and the other measures of
 * {@link io.batchjac.engine.stats.PairMeasures}; the results do not depend on the partitioning.
 * <pre>
 * SensitivityReport r = Sensitivity.analyze(spark, SpecBundle.of("conf/examples/borehole.fn"), 1_000_000, 0, 0);
 * SensitivitySummary s = Sensitivity.run(spark, request);   // also writes the output directory
 * </pre>
 * Without Spark, {@link SensitivityAnalysis#sampled} computes bitwise the same report in one JVM.
 */
public final class Sensitivity {
  private Sensitivity() {}

  /** The report of B samples drawn from the spec's distributions (0 partitions: the default). */
  public static SensitivityReport analyze(SparkSession spark, SpecBundle spec, long samples, long seed, int partitions)
      throws IOException {
    Graph f = spec.graph();
    Inputs in = Inputs.of(spark, spec, null, samples, seed, Map.of(), f);
    return report(spark, spec, in, partitions, SensitivityReport.drawnLaws(f));
  }

  /** Runs the request: the analysis, then its output directory; returns what to print. */
  public static SensitivitySummary run(SparkSession spark, SensitivityRequest r) throws IOException {
    if (r.partitions() < 0) {
      throw new IllegalArgumentException("--partitions must be positive (or 0 for the default), got " + r.partitions());
    }
    Path out = r.output();
    if (Files.exists(out) && !r.overwrite()) {
      throw new IllegalArgumentException("--output " + out + " already exists (use --overwrite to replace it)");
    }
    long t0 = System.nanoTime();
    Graph f = r.spec().graph();
    Inputs in = Inputs.of(spark, r.spec(), r.input(), r.samples(), r.seed(), r.columns(), f);
    List<Distribution> laws = r.input() == null ? SensitivityReport.drawnLaws(f) : SensitivityReport.unknownLaws(f);
    int parts = r.partitions() > 0 ? r.partitions() : SensitivityPass.defaultPartitions(spark, f, in.batch());
    SensitivityReport report = report(spark, r.spec(), in, parts, laws);
    double seconds = (System.nanoTime() - t0) / 1e9;
    SensitivitySummary s = new SensitivitySummary(report, r.spec().name(), r.input() == null ? r.seed() : null,
        r.input() == null ? null : r.input().toString(), seconds, parts,
        SensitivityAnalysis.blockSize(f.outputSize(), f.inputSize()), out, SensitivityFiles.names(report));
    SensitivityFiles.write(s, r.overwrite());
    return s;
  }

  private static SensitivityReport report(SparkSession spark, SpecBundle spec, Inputs in, int partitions,
      List<Distribution> laws) {
    if (in.batch() < 2) {
      throw new IllegalArgumentException("a sensitivity analysis needs at least 2 samples (variances), got " + in.batch());
    }
    Graph f = spec.graph();
    int parts = partitions > 0 ? partitions : SensitivityPass.defaultPartitions(spark, f, in.batch());
    spark.sparkContext().setJobDescription("batchjac sensitivity: " + spec.name());
    SensitivityAggregate a;
    try {
      a = SensitivityPass.run(spark, spec, in, parts);
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
    return SensitivityReport.of(f, laws, a);
  }
}
