package io.batchjac.jobs.core;

import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.stats.PairMeasures;
import io.batchjac.engine.stats.SensitivityReport;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * A finished sensitivity analysis: the report, how it was run (spec, samples, seed or input file,
 * seconds, partitions, block size) and the files of its output directory; prints the ranking
 * table and the closing line.
 *
 * @param seed the seed of the draws, or null for user-supplied samples
 * @param input the samples file, or null for draws
 */
public record SensitivitySummary(SensitivityReport report, String spec, Long seed, String input, double seconds,
    int partitions, int blockSize, Path output, List<String> files) {

  /** Inputs listed per output in {@link #table()}; the CSV has them all. */
  static final int TABLE_ROWS = 10;

  /** The ranking table: for each output, its inputs from most to least influential. */
  public String table() {
    SensitivityReport r = report;
    StringBuilder sb = new StringBuilder();
    int nameWidth = Math.max(5, r.inputNames().stream().mapToInt(String::length).max().orElse(5));
    int lawWidth = 12;
    for (Distribution d : r.laws()) {
      lawWidth = Math.max(lawWidth, law(d).length());
    }
    String row = "  %4s  %-" + nameWidth + "s  %-" + lawWidth + "s  %11s  %9s  %11s  %11s  %10s%n";
    for (int m = 0; m < r.outputNames().size(); m++) {
      PairMeasures first = r.pair(m, 0);
      sb.append(String.format(Locale.ROOT, "%s: Var(f) = %.4g; inputs ranked by the %s%n", r.outputNames().get(m),
          first.outputVariance(), r.rankingName()));
      sb.append(String.format(Locale.ROOT, row, "rank", "input", "distribution", "DGSM nu", "+- s.e.",
          r.rankedByBound() ? "S_T bound" : "scaled DGSM", "E[df/dx]", "normalised"));
      List<PairMeasures> ranked = r.ranking(m);
      for (int k = 0; k < Math.min(TABLE_ROWS, ranked.size()); k++) {
        PairMeasures p = ranked.get(k);
        sb.append(String.format(Locale.ROOT, row, k + 1, r.inputNames().get(p.input()), law(r.laws().get(p.input())),
            num(p.dgsm()), num(p.dgsmStdError()), num(r.rankingValue(p)), num(p.meanDerivative()), num(p.normalized())));
      }
      if (ranked.size() > TABLE_ROWS) {
        sb.append("  ... ").append(ranked.size() - TABLE_ROWS).append(" more inputs in sensitivity.csv").append('\n');
      }
    }
    if (!r.rankedByBound()) {
      sb.append("(no bound on Sobol' total index: ")
          .append(input != null ? "the input distributions of user-supplied samples are unknown"
              : "an input's distribution has no known Poincare constant")
          .append("; inputs ranked by nu*Var(x)/Var(f) instead)\n");
    }
    return sb.toString();
  }

  /** The closing line: samples, seconds, throughput, the output directory and its files. */
  public String line() {
    long b = report.samples();
    return String.format(Locale.ROOT, "sensitivity: %,d samples in %.2f s (%,.0f samples/s, %d partitions) -> %s (%s)", b,
        seconds, seconds > 0 ? b / seconds : 0.0, partitions, output, String.join(", ", files));
  }

  static String law(Distribution d) {
    if (d == null) {
      return "(samples)";
    }
    return d.kind().name().toLowerCase(Locale.ROOT) + "(" + plain(d.p1()) + ", " + plain(d.p2()) + ")";
  }

  /** Six significant digits without trailing zeros or exponent: 0.05, 115600, -3.14159. */
  static String plain(double v) {
    return new java.math.BigDecimal(String.format(Locale.ROOT, "%.6g", v)).stripTrailingZeros().toPlainString();
  }

  static String num(double v) {
    if (Double.isNaN(v)) {
      return "n/a";
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }
}
