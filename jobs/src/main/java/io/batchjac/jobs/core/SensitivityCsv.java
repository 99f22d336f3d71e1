package io.batchjac.jobs.core;

import io.batchjac.engine.stats.PairMeasures;
import io.batchjac.engine.stats.SensitivityReport;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Writes {@code sensitivity.csv}: a header row, then one row per output/input pair (outputs in
 * order, each with its inputs in order): {@code output, input} and the columns of
 * {@link MeasureColumns}, numbers in full precision ({@code Double.toString}), empty where
 * unavailable. Names containing a comma or quote are quoted.
 */
final class SensitivityCsv {
  private SensitivityCsv() {}

  static void write(Path file, SensitivityReport r) throws IOException {
    try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      w.write("output,input");
      for (MeasureColumns.Column c : MeasureColumns.ALL) {
        w.write("," + c.name());
      }
      w.write("\n");
      for (PairMeasures p : r.pairs()) {
        w.write(quote(r.outputNames().get(p.output())) + "," + quote(r.inputNames().get(p.input())));
        for (MeasureColumns.Column c : MeasureColumns.ALL) {
          double v = c.value().applyAsDouble(p);
          w.write("," + (Double.isFinite(v) ? Double.toString(v) : ""));
        }
        w.write("\n");
      }
    }
  }

  static String quote(String s) {
    return s.contains(",") || s.contains("\"") ? "\"" + s.replace("\"", "\"\"") + "\"" : s;
  }
}
