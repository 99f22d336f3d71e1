package io.batchjac.engine.onnx;

import io.batchjac.engine.ir.Node;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * The table of supported ONNX operators (default domain): each maps one node onto engine
 * operations through a {@link NodeContext}. Every operator is derived from the engine's existing
 * primitives; none adds a primitive. The list with the refusal rules is {@code docs/onnx.md}.
 */
final class Operators {
  private Operators() {}

  /** Imports one node with a single output. */
  @FunctionalInterface
  interface Importer {
    Node apply(NodeContext c);
  }

  private static final Map<String, Importer> TABLE = new TreeMap<>();

  static {
    ElementwiseOps.register(TABLE);
    LinearOps.register(TABLE);
    ShapeOps.register(TABLE);
  }

  /** The importer of an op type, or null when it is not supported. */
  static Importer get(String opType) {
    return TABLE.get(opType);
  }

  /** The supported op types, sorted (for messages, tests and docs). */
  static Map<String, Importer> all() {
    return Collections.unmodifiableMap(TABLE);
  }
}
