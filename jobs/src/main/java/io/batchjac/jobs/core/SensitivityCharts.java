package io.batchjac.jobs.core;

import io.batchjac.engine.stats.PairMeasures;
import io.batchjac.engine.stats.SensitivityReport;
import java.awt.Color;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.HeatMapChart;
import org.knowm.xchart.HeatMapChartBuilder;
import org.knowm.xchart.internal.chartpart.Chart;
import org.knowm.xchart.style.Styler;

/**
 * The PNG charts of a sensitivity analysis (XChart, rendered headless), each
 * {@link #WIDTH} x {@link #HEIGHT} pixels:
 * <ul>
 *   <li>{@code heatmap.png}: outputs (rows) x inputs (columns), coloured by the ranking measure
 *       (the bound on Sobol' total index, or the scaled DGSM when there is none);
 *   <li>{@code bars-OUTPUT.png}, one per output: its inputs ranked by that measure, with error
 *       bars of one Monte Carlo standard error.
 * </ul>
 */
final class SensitivityCharts {
  static final int WIDTH = 800;
  static final int HEIGHT = 600;

  private SensitivityCharts() {}

  /** The bar chart's file name for output m: {@code bars-NAME.png}, NAME reduced to safe characters. */
  static String barsFile(SensitivityReport r, int m) {
    String safe = r.outputNames().get(m).replaceAll("[^A-Za-z0-9_.-]+", "_");
    for (int other = 0; other < m; other++) {
      if (r.outputNames().get(other).replaceAll("[^A-Za-z0-9_.-]+", "_").equals(safe)) {
        return "bars-" + safe + "-" + m + ".png";
      }
    }
    return "bars-" + safe + ".png";
  }

  static void heatmap(SensitivityReport r, Path file) throws IOException {
    HeatMapChart chart = new HeatMapChartBuilder().width(WIDTH).height(HEIGHT)
        .title(r.rankedByBound() ? "Upper bound on Sobol' total index, C*nu/Var(f)"
            : "Scaled DGSM, nu*Var(x)/Var(f) (no Sobol' bound: distributions unknown)")
        .xAxisTitle("input").yAxisTitle("output").build();
    List<Number[]> cells = new ArrayList<>();
    double max = 0;
    for (PairMeasures p : r.pairs()) {
      double v = finite(r.rankingValue(p));
      max = Math.max(max, v);
      cells.add(new Number[] {p.input(), p.output(), v});
    }
    chart.getStyler().setMin(0).setMax(roundUp(max))
        .setRangeColors(new Color[] {new Color(247, 251, 255), new Color(107, 174, 214), new Color(8, 48, 107)})
        .setShowValue(r.pairs().size() <= 120).setHeatMapValueDecimalPattern("0.000")
        .setLegendPosition(Styler.LegendPosition.OutsideE);
    chart.getStyler().setPlotContentSize(0.95);
    if (r.inputNames().size() > 8) {
      chart.getStyler().setXAxisLabelRotation(45);
    }
    chart.addSeries(r.rankingName(), r.inputNames(), r.outputNames(), cells);
    save(chart, file);
  }

  static void bars(SensitivityReport r, int m, Path file) throws IOException {
    List<PairMeasures> ranked = r.ranking(m);
    List<String> names = new ArrayList<>();
    List<Double> values = new ArrayList<>();
    List<Double> errors = new ArrayList<>();
    for (PairMeasures p : ranked) {
      names.add(r.inputNames().get(p.input()));
      values.add(finite(r.rankingValue(p)));
      errors.add(finite(r.rankingStdError(p)));
    }
    CategoryChart chart = new CategoryChartBuilder().width(WIDTH).height(HEIGHT)
        .title(r.outputNames().get(m) + ": inputs ranked by the " + r.rankingName())
        .xAxisTitle("input").yAxisTitle(r.rankedByBound() ? "S_T bound (error bar: 1 s.e.)" : "nu*Var(x)/Var(f) (error bar: 1 s.e.)")
        .build();
    chart.getStyler().setYAxisMin(0.0);
    chart.getStyler().setLegendVisible(false);
    chart.getStyler().setSeriesColors(new Color[] {new Color(49, 130, 189)});
    if (names.size() > 8) {
      chart.getStyler().setXAxisLabelRotation(45);
    }
    chart.addSeries(r.outputNames().get(m), names, values, errors);
    save(chart, file);
  }

  /** The legend's top: {@code v} rounded up to two significant digits (1 when v is not positive). */
  static double roundUp(double v) {
    if (!(v > 0)) {
      return 1;
    }
    return new java.math.BigDecimal(v).round(new java.math.MathContext(2, java.math.RoundingMode.CEILING)).doubleValue();
  }

  private static double finite(double v) {
    return Double.isFinite(v) ? v : 0.0;
  }

  private static void save(Chart<?, ?> chart, Path file) throws IOException {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true"); // no display needed (bin/jvm-options.sh sets it too)
    }
    try (OutputStream out = Files.newOutputStream(file)) {
      BitmapEncoder.saveBitmap(chart, out, BitmapEncoder.BitmapFormat.PNG);
    }
  }
}
