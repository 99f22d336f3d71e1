package io.batchjac.engine.lang;

import io.batchjac.engine.ir.Graph;

/**
 * A compiled function-language spec: the per-sample {@link Graph} and the name of its source (the
 * {@code .fn} path as given, or {@code <inline>}).
 */
public record Spec(Graph graph, String source) {
  @Override
  public String toString() {
    return "Spec[" + source + ": " + graph.inputs().size() + " inputs (N = " + graph.inputSize()
        + "), " + graph.outputs().size() + " outputs (M = " + graph.outputSize() + ")]";
  }
}
