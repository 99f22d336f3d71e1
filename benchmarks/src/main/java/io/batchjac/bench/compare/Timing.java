package io.batchjac.bench.compare;

import java.util.List;

/**
 * The timed runs of one measurement: best and median seconds of the whole batch, the batch
 * size, and who produced it ({@code route}: the PyTorch route's name, else the benchmark).
 */
record Timing(String route, int batch, double best, double median, int runs) {
  static Timing of(String route, int batch, List<Double> seconds) {
    double[] s = seconds.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    if (s.length == 0) {
      throw new IllegalArgumentException("no timed runs for " + route);
    }
    double median = s.length % 2 == 1 ? s[s.length / 2] : 0.5 * (s[s.length / 2 - 1] + s[s.length / 2]);
    return new Timing(route, batch, s[0], median, s.length);
  }

  double samplesPerSecond() {
    return batch / best;
  }

  /** Best seconds scaled to {@code toBatch} samples (per-sample cost independent of B). */
  double bestAt(int toBatch) {
    return best * toBatch / batch;
  }

  double medianAt(int toBatch) {
    return median * toBatch / batch;
  }
}
