package io.batchjac.engine.onnx;

import io.batchjac.engine.lang.SpecException;

/**
 * An ONNX model that cannot be imported: the file is not an ONNX model, or the graph uses an
 * operator outside the supported set ({@code docs/onnx.md}), or a node would mix the batch axis.
 *
 * <p>A {@link SpecException} without position, so every tool that reports spec errors reports
 * these the same way. {@link #getMessage()} is {@code file: problem}; a refused node reads
 * {@code model.onnx: node 'Conv_3' (Conv): operator Conv is not supported ...}, naming the
 * node (or, when it has no name, its first output), its op type and why.
 */
public final class OnnxException extends SpecException {
  private static final long serialVersionUID = 1L;

  private final String node;
  private final String opType;

  /** A problem with the model as a whole (not protobuf, no graph, an input without shape, ...). */
  public OnnxException(String file, String problem, Throwable cause) {
    super(file, problem, cause);
    this.node = null;
    this.opType = null;
  }

  /** A node that cannot be imported. */
  public OnnxException(String file, String node, String opType, String why) {
    super(file, "node '" + node + "' (" + opType + "): " + why, null);
    this.node = node;
    this.opType = opType;
  }

  /** The refused node's name (its first output when unnamed), or null for model-level problems. */
  public String node() {
    return node;
  }

  /** The refused node's op type, or null for model-level problems. */
  public String opType() {
    return opType;
  }
}
