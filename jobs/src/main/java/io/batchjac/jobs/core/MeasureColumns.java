package io.batchjac.jobs.core;

import io.batchjac.engine.stats.PairMeasures;
import java.util.List;
import java.util.function.ToDoubleFunction;

/**
 * The per-pair measures as named columns, in one order, for {@code sensitivity.json}'s
 * {@code measures} objects and {@code sensitivity.csv}'s columns (after {@code output, input}).
 * See docs/sensitivity.md for each formula.
 */
final class MeasureColumns {
  private MeasureColumns() {}

  /** One measure: its column name and how to read it. */
  record Column(String name, ToDoubleFunction<PairMeasures> value) {}

  static final List<Column> ALL = List.of(
      new Column("dgsm", PairMeasures::dgsm),
      new Column("dgsm_se", PairMeasures::dgsmStdError),
      new Column("mean_derivative", PairMeasures::meanDerivative),
      new Column("mean_abs_derivative", PairMeasures::meanAbsDerivative),
      new Column("sd_derivative", PairMeasures::sdDerivative),
      new Column("output_variance", PairMeasures::outputVariance),
      new Column("poincare_constant", PairMeasures::poincareConstant),
      new Column("sobol_total_bound", PairMeasures::sobolBound),
      new Column("sobol_total_bound_se", PairMeasures::sobolBoundStdError),
      new Column("normalized_sensitivity", PairMeasures::normalized),
      new Column("scaled_dgsm", PairMeasures::scaledDgsm),
      new Column("scaled_dgsm_se", PairMeasures::scaledDgsmStdError));
}
