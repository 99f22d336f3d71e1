package io.batchjac.engine.ad;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Inline;
import io.batchjac.engine.ir.Node;
import java.util.HashMap;
import java.util.Map;

/**
 * Copies every node of a graph into a builder, inputs and params first in their original order
 * (so the copy binds inputs the same way), and returns the map old node -> new node
 * ({@link Inline} copies the rest).
 */
final class Copier {
  private Copier() {}

  static Map<Node, Node> copy(Graph g, GraphBuilder nb) {
    Map<Node, Node> map = new HashMap<>();
    for (Node in : g.inputs()) {
      map.put(in, nb.input(in.name(), in.shape(), in.distribution()));
    }
    for (Node p : g.params()) {
      map.put(p, nb.param(p.name(), p.value()));
    }
    return Inline.copy(g, nb, map);
  }
}
