package io.batchjac.engine.ir;

import java.util.HashMap;
import java.util.Map;

/**
 * Copies a graph's computation into another builder with its leaves replaced: the building block
 * of model calls ({@link Model#call}) and of the AD transformations' graph copies. Constants and
 * operations are copied in the graph's topological order; inputs and params are never created,
 * they must all be mapped by the caller.
 */
public final class Inline {
  private Inline() {}

  /**
   * Copies every constant and operation of {@code g} into {@code nb}.
   *
   * @param leaves every input and param of {@code g} mapped to a node of {@code nb} of the same
   *     shape (an argument, a shared param, a fresh leaf)
   * @return the map from every node of {@code g} to its copy (the leaves included)
   * @throws IllegalArgumentException when a leaf of {@code g} is not mapped
   */
  public static Map<Node, Node> copy(Graph g, GraphBuilder nb, Map<Node, Node> leaves) {
    Map<Node, Node> map = new HashMap<>(leaves);
    for (Node n : g.nodes()) {
      switch (n.kind()) {
        case INPUT, PARAM -> {
          if (!map.containsKey(n)) {
            throw new IllegalArgumentException("inline: leaf " + n + " is not mapped");
          }
        }
        case CONSTANT -> map.put(n, nb.constant(n.value()));
        case OP -> {
          Node[] args = new Node[n.arity()];
          for (int i = 0; i < args.length; i++) {
            args[i] = map.get(n.arg(i));
          }
          map.put(n, nb.apply(n.op(), args));
        }
      }
    }
    return map;
  }
}
