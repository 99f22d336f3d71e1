package io.batchjac.engine.stats;

import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;

/**
 * The sensitivity measures of every output value m of a function to every input value n
 * ({@link PairMeasures}), with the names of both (from the spec: {@code rw}, or {@code x[2]} for
 * element 2 of a vector input), the input distributions the samples were drawn from (null for
 * user-supplied samples) and the aggregate they were computed from.
 */
public final class SensitivityReport {
  private final List<String> inputNames;
  private final List<String> outputNames;
  private final List<Distribution> laws;
  private final SensitivityAggregate aggregate;
  private final double[] inputVariance;
  private final PairMeasures[] pairs;

  private SensitivityReport(List<String> inputNames, List<String> outputNames, List<Distribution> laws,
      SensitivityAggregate aggregate) {
    this.inputNames = List.copyOf(inputNames);
    this.outputNames = List.copyOf(outputNames);
    this.laws = java.util.Collections.unmodifiableList(new ArrayList<>(laws));
    this.aggregate = aggregate;
    int m = aggregate.outputs();
    int n = aggregate.inputs();
    inputVariance = new double[n];
    pairs = new PairMeasures[m * n];
    for (int j = 0; j < n; j++) {
      Distribution d = laws.get(j);
      inputVariance[j] = d == null ? aggregate.inputVariance(j) : Poincare.variance(d);
      double c = Poincare.constant(d);
      for (int i = 0; i < m; i++) {
        pairs[i + m * j] = PairMeasures.of(aggregate, i, j, inputVariance[j], c);
      }
    }
  }

  /**
   * The report of {@code f}.
   *
   * @param laws the distribution of each of the N input values (null entries: unknown, as for
   *     user-supplied samples)
   */
  public static SensitivityReport of(Graph f, List<Distribution> laws, SensitivityAggregate aggregate) {
    if (laws.size() != f.inputSize() || aggregate.inputs() != f.inputSize() || aggregate.outputs() != f.outputSize()) {
      throw new IllegalArgumentException("report of a function with " + f.inputSize() + " inputs and " + f.outputSize()
          + " outputs from " + laws.size() + " distributions and an aggregate of " + aggregate.inputs() + "x"
          + aggregate.outputs());
    }
    List<String> ins = new ArrayList<>();
    for (Node in : f.inputs()) {
      ins.addAll(valueNames(in.name(), in.shape()));
    }
    List<String> outs = new ArrayList<>();
    for (Graph.Output o : f.outputs()) {
      outs.addAll(valueNames(o.name(), o.node().shape()));
    }
    return new SensitivityReport(ins, outs, laws, aggregate);
  }

  /** The distributions the sampler draws each input value from (standard normal where none is declared). */
  public static List<Distribution> drawnLaws(Graph f) {
    List<Distribution> laws = new ArrayList<>();
    for (Node in : f.inputs()) {
      Distribution d = in.distribution() == null ? Distribution.STANDARD_NORMAL : in.distribution();
      laws.addAll(java.util.Collections.nCopies(in.shape().size(), d));
    }
    return laws;
  }

  /** No distribution known for any of the N input values (user-supplied samples). */
  public static List<Distribution> unknownLaws(Graph f) {
    return Arrays.asList(new Distribution[f.inputSize()]);
  }

  /** {@code name} for a scalar, else {@code name[i]} / {@code name[i, j]} per element, row-major. */
  static List<String> valueNames(String name, Shape shape) {
    List<String> out = new ArrayList<>();
    int[] dims = shape.dims();
    if (dims.length == 0) {
      out.add(name);
      return out;
    }
    int[] idx = new int[dims.length];
    for (int e = 0; e < shape.size(); e++) {
      StringBuilder sb = new StringBuilder(name).append('[');
      for (int k = 0; k < idx.length; k++) {
        sb.append(k > 0 ? ", " : "").append(idx[k]);
      }
      out.add(sb.append(']').toString());
      for (int k = idx.length - 1; k >= 0 && ++idx[k] == dims[k]; k--) {
        idx[k] = 0;
      }
    }
    return out;
  }

  public List<String> inputNames() {
    return inputNames;
  }

  public List<String> outputNames() {
    return outputNames;
  }

  /** The distribution of each input value, null where unknown. */
  public List<Distribution> laws() {
    return laws;
  }

  public SensitivityAggregate aggregate() {
    return aggregate;
  }

  /** Samples the measures are estimated from. */
  public long samples() {
    return aggregate.count();
  }

  /** Var(x_n) used for normalising: the distribution's, or the samples' where it is unknown. */
  public double inputVariance(int n) {
    return inputVariance[n];
  }

  /** Whether Var(x_n) comes from the input's distribution (else from the samples). */
  public boolean inputVarianceFromDistribution(int n) {
    return laws.get(n) != null;
  }

  /** The measures of output m to input n. */
  public PairMeasures pair(int m, int n) {
    return pairs[m + outputNames.size() * n];
  }

  /** All pairs, output-major (every input of output 0, then of output 1, ...). */
  public List<PairMeasures> pairs() {
    List<PairMeasures> l = new ArrayList<>();
    for (int i = 0; i < outputNames.size(); i++) {
      for (int j = 0; j < inputNames.size(); j++) {
        l.add(pair(i, j));
      }
    }
    return l;
  }

  /**
   * Whether inputs are ranked by the bound on Sobol's total index (every input has a Poincare
   * constant), else by the scaled DGSM {@code nu * Var(x) / Var(f)}.
   */
  public boolean rankedByBound() {
    return laws.stream().allMatch(d -> !Double.isNaN(Poincare.constant(d)));
  }

  /** The value inputs are ranked by ({@link #rankedByBound}). */
  public double rankingValue(PairMeasures p) {
    return rankedByBound() ? p.sobolBound() : p.scaledDgsm();
  }

  /** Its standard error. */
  public double rankingStdError(PairMeasures p) {
    return rankedByBound() ? p.sobolBoundStdError() : p.scaledDgsmStdError();
  }

  /** The name of what inputs are ranked by. */
  public String rankingName() {
    return rankedByBound() ? "bound on Sobol' total index, C*nu/Var(f)" : "scaled DGSM, nu*Var(x)/Var(f)";
  }

  /** The inputs' measures for output m, most influential first (NaN last; ties by input order). */
  public List<PairMeasures> ranking(int m) {
    List<PairMeasures> l = new ArrayList<>();
    for (int j = 0; j < inputNames.size(); j++) {
      l.add(pair(m, j));
    }
    Comparator<PairMeasures> byValue = Comparator.comparingDouble(p -> {
      double v = rankingValue(p);
      return Double.isNaN(v) ? Double.POSITIVE_INFINITY : -v;
    });
    l.sort(byValue.thenComparingInt(PairMeasures::input));
    return l;
  }
}
