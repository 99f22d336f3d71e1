package io.batchjac.bench.compare;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.XYChart;
import org.knowm.xchart.XYChartBuilder;
import org.knowm.xchart.style.Styler;
import org.knowm.xchart.style.markers.SeriesMarkers;

/** The comparison's PNG charts (XChart, rendered headless). */
final class Charts {
  private Charts() {}

  static {
    System.setProperty("java.awt.headless", "true");
  }

  /**
   * Samples/s per workload, one bar per side, log scale.
   *
   * @param categories workload labels
   * @param series side name -> samples/s per category (same order)
   */
  static void throughput(Path png, String title, List<String> categories, Map<String, List<Double>> series)
      throws IOException {
    CategoryChart chart = new CategoryChartBuilder().width(1000).height(560).title(title)
        .xAxisTitle("workload").yAxisTitle("samples/s (best run, log scale)").build();
    chart.getStyler().setYAxisLogarithmic(true);
    double lo = Double.MAX_VALUE;
    double hi = 0;
    for (List<Double> v : series.values()) {
      for (double d : v) {
        lo = Math.min(lo, d);
        hi = Math.max(hi, d);
      }
    }
    // bars start at the axis minimum, which a log axis needs above 0: whole decades around the data
    chart.getStyler().setYAxisMin(Math.pow(10, Math.floor(Math.log10(lo))));
    chart.getStyler().setYAxisMax(Math.pow(10, Math.ceil(Math.log10(hi))));
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideNE);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    for (Map.Entry<String, List<Double>> e : series.entrySet()) {
      chart.addSeries(e.getKey(), categories, e.getValue());
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }

  /**
   * Samples/s against the batch size, log-log, one line per workload.
   *
   * @param series workload -> {batch sizes, samples/s}
   */
  static void sweep(Path png, String title, Map<String, double[][]> series) throws IOException {
    XYChart chart = new XYChartBuilder().width(1000).height(560).title(title)
        .xAxisTitle("batch size B (log scale)").yAxisTitle("samples/s (best run, log scale)").build();
    chart.getStyler().setXAxisLogarithmic(true);
    chart.getStyler().setYAxisLogarithmic(true);
    chart.getStyler().setLegendPosition(Styler.LegendPosition.InsideSE);
    chart.getStyler().setChartBackgroundColor(java.awt.Color.WHITE);
    for (Map.Entry<String, double[][]> e : series.entrySet()) {
      chart.addSeries(e.getKey(), e.getValue()[0], e.getValue()[1]).setMarker(SeriesMarkers.CIRCLE);
    }
    BitmapEncoder.saveBitmap(chart, png.toString(), BitmapEncoder.BitmapFormat.PNG);
  }
}
