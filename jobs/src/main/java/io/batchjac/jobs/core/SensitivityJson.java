package io.batchjac.jobs.core;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.stats.PairMeasures;
import io.batchjac.engine.stats.Poincare;
import io.batchjac.engine.stats.SensitivityReport;
import java.io.IOException;
import java.nio.file.Path;

/**
 * Writes {@code sensitivity.json}: how the analysis ran ({@code spec, samples, seed, input,
 * seconds, partitions, block_size, ranked_by, files}), the {@code inputs} (name, distribution,
 * variance and where it comes from, sample mean, Poincare constant and its rule), the
 * {@code outputs} (name, mean, variance) and one {@code measures} object per output/input pair
 * with the columns of {@link MeasureColumns}. Unavailable values are {@code null}.
 */
final class SensitivityJson {
  private SensitivityJson() {}

  static void write(Path file, SensitivitySummary s) throws IOException {
    ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    SensitivityReport r = s.report();
    ObjectNode root = json.createObjectNode();
    root.put("spec", s.spec());
    root.put("samples", r.samples());
    if (s.seed() == null) {
      root.putNull("seed");
    } else {
      root.put("seed", s.seed());
    }
    root.put("input", s.input());
    root.put("seconds", s.seconds());
    root.put("partitions", s.partitions());
    root.put("block_size", s.blockSize());
    root.put("ranked_by", r.rankedByBound() ? "sobol_total_bound" : "scaled_dgsm");
    ArrayNode files = root.putArray("files");
    s.files().forEach(files::add);
    ArrayNode inputs = root.putArray("inputs");
    for (int n = 0; n < r.inputNames().size(); n++) {
      Distribution d = r.laws().get(n);
      ObjectNode in = inputs.addObject();
      in.put("name", r.inputNames().get(n));
      in.put("distribution", d == null ? null : SensitivitySummary.law(d));
      put(in, "mean", r.aggregate().inputMean(n));
      put(in, "variance", r.inputVariance(n));
      in.put("variance_from", r.inputVarianceFromDistribution(n) ? "distribution" : "samples");
      put(in, "poincare_constant", Poincare.constant(d));
      in.put("poincare_rule", Poincare.rule(d));
    }
    ArrayNode outputs = root.putArray("outputs");
    for (int m = 0; m < r.outputNames().size(); m++) {
      ObjectNode out = outputs.addObject();
      out.put("name", r.outputNames().get(m));
      put(out, "mean", r.aggregate().outputMean(m));
      put(out, "variance", r.aggregate().outputVariance(m));
    }
    ArrayNode measures = root.putArray("measures");
    for (PairMeasures p : r.pairs()) {
      ObjectNode o = measures.addObject();
      o.put("output", r.outputNames().get(p.output()));
      o.put("input", r.inputNames().get(p.input()));
      for (MeasureColumns.Column c : MeasureColumns.ALL) {
        put(o, c.name(), c.value().applyAsDouble(p));
      }
    }
    json.writeValue(file.toFile(), root);
  }

  /** A number, or null when it is not finite (JSON has no NaN). */
  private static void put(ObjectNode o, String name, double v) {
    if (Double.isFinite(v)) {
      o.put(name, v);
    } else {
      o.putNull(name);
    }
  }
}
