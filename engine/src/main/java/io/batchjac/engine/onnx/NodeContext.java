package io.batchjac.engine.onnx;

import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.onnx.proto.OnnxModel.AttributeProto;
import io.batchjac.engine.onnx.proto.OnnxModel.NodeProto;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Map;

/**
 * One ONNX node being imported: its operands as engine nodes, its attributes, and the rules that
 * map ONNX's explicit batch axis onto the engine's implicit one.
 *
 * <p>Batch axis: an ONNX value that depends on the graph's inputs carries the batch as its axis
 * 0; the engine node holding it has the per-sample shape (axis 0 dropped) and is
 * {@link Node#batched()}. Values computed from initializers and constants alone have no batch
 * axis and keep their full shape. So an ONNX axis {@code a} of a batched value is engine axis
 * {@code a - 1}, and an operation on ONNX axis 0 of a batched value would mix samples: it is
 * refused ({@link #refuse}).
 */
final class NodeContext {
  private final NodeProto proto;
  private final GraphBuilder b;
  private final Map<String, Node> values;
  private final long opset;
  private final String file;
  private final long exportBatch;

  /**
   * @param exportBatch the batch size the graph's inputs declare when it is a number (a model
   *     exported without a dynamic batch axis), else -1
   */
  NodeContext(NodeProto proto, GraphBuilder b, Map<String, Node> values, long opset, String file, long exportBatch) {
    this.proto = proto;
    this.b = b;
    this.values = values;
    this.opset = opset;
    this.file = file;
    this.exportBatch = exportBatch;
  }

  /** The batch size fixed in the model's input declarations, or -1 when the batch axis is symbolic. */
  long exportBatch() {
    return exportBatch;
  }

  /** The model file's name (for messages). */
  String file() {
    return file;
  }

  GraphBuilder b() {
    return b;
  }

  /** The default-domain opset version the model imports (the operator's semantics depend on it). */
  long opset() {
    return opset;
  }

  String opType() {
    return proto.getOpType();
  }

  /** The node's name, or its first output when it has none. */
  String name() {
    if (!proto.getName().isEmpty()) {
      return proto.getName();
    }
    return proto.getOutputCount() > 0 ? proto.getOutput(0) : "?";
  }

  /** An {@link OnnxException} naming this node, its op type and {@code why}. */
  OnnxException refuse(String why) {
    return new OnnxException(file, name(), opType(), why);
  }

  // ---------------------------------------------------------------- operands

  /** Number of inputs listed (including omitted optional ones, which have an empty name). */
  int inputCount() {
    return proto.getInputCount();
  }

  /** True when optional input {@code i} is given. */
  boolean has(int i) {
    return i < proto.getInputCount() && !proto.getInput(i).isEmpty();
  }

  /** Input {@code i} (required). */
  Node in(int i) {
    if (!has(i)) {
      throw refuse("input " + i + " is missing");
    }
    Node n = values.get(proto.getInput(i));
    if (n == null) {
      throw refuse("input '" + proto.getInput(i) + "' is not produced by any earlier node, graph input or initializer");
    }
    return n;
  }

  /** All inputs, each required. */
  Node[] ins() {
    Node[] xs = new Node[proto.getInputCount()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = in(i);
    }
    return xs;
  }

  /** The value of constant input {@code i} (an initializer or a Constant's output), or a refusal naming {@code role}. */
  Tensor constant(int i, String role) {
    Node n = in(i);
    if (n.kind() == Node.Kind.OP || n.kind() == Node.Kind.INPUT) {
      throw refuse("the " + role + " (input " + i + ", '" + proto.getInput(i) + "') must be a constant, "
          + "but it is computed by the graph");
    }
    return n.value();
  }

  /** Constant input {@code i} as integers (axes, shapes, indices). */
  long[] ints(int i, String role) {
    double[] d = constant(i, role).data();
    long[] v = new long[d.length];
    for (int k = 0; k < d.length; k++) {
      v[k] = (long) d[k];
      if (v[k] != d[k]) {
        throw refuse("the " + role + " must be integers, found " + d[k]);
      }
    }
    return v;
  }

  // ---------------------------------------------------------------- attributes

  private AttributeProto attr(String name) {
    for (AttributeProto a : proto.getAttributeList()) {
      if (a.getName().equals(name)) {
        return a;
      }
    }
    return null;
  }

  boolean hasAttr(String name) {
    return attr(name) != null;
  }

  long attrInt(String name, long dflt) {
    AttributeProto a = attr(name);
    return a == null ? dflt : a.getI();
  }

  double attrFloat(String name, double dflt) {
    AttributeProto a = attr(name);
    return a == null ? dflt : a.getF();
  }

  /** An ints attribute, or null when absent. */
  long[] attrInts(String name) {
    AttributeProto a = attr(name);
    return a == null ? null : a.getIntsList().stream().mapToLong(Long::longValue).toArray();
  }

  /** The raw attribute (Constant's value), or null. */
  AttributeProto attribute(String name) {
    return attr(name);
  }

  // ---------------------------------------------------------------- batch axis

  /** The ONNX rank of a value: its engine rank plus the batch axis when it has one. */
  static int rank(Node x) {
    return x.shape().rank() + (x.batched() ? 1 : 0);
  }

  /**
   * The engine axis of ONNX axis {@code axis} of {@code x} (negative counts from the end of the
   * ONNX shape); ONNX axis 0 of a batched value is refused, saying what would be done over it.
   */
  int axis(Node x, long axis, String what) {
    int r = rank(x);
    long a = axis < 0 ? axis + r : axis;
    if (a < 0 || a >= r) {
      throw refuse("axis " + axis + " is out of range for a value of rank " + r);
    }
    if (x.batched()) {
      if (a == 0) {
        throw refuse(what + " over axis 0, the batch axis, would mix samples");
      }
      return (int) a - 1;
    }
    return (int) a;
  }

  /** ONNX dimensions of a value, with -1 standing for the batch axis. */
  static long[] onnxDims(Node x) {
    int[] d = x.shape().dims();
    int off = x.batched() ? 1 : 0;
    long[] out = new long[d.length + off];
    if (off == 1) {
      out[0] = -1;
    }
    for (int i = 0; i < d.length; i++) {
      out[i + off] = d[i];
    }
    return out;
  }

  /**
   * Operands of an ONNX broadcasting operation (Add, Where, Max, ...) as engine operands that
   * broadcast per sample the same way: every batched operand must have the same ONNX rank R (its
   * batch axis then lines up with the others'); a constant operand of rank below R is left
   * as it is (NumPy aligns it with trailing axes), one of rank R must have 1 on axis 0 (which is
   * dropped), and a constant of higher rank would broadcast the batch into an inner axis.
   */
  Node[] broadcast(Node... xs) {
    int full = -1;
    for (Node x : xs) {
      if (x.batched()) {
        if (full >= 0 && rank(x) != full) {
          throw refuse("operands that depend on the inputs have ranks " + full + " and " + rank(x)
              + " (batch axis included): broadcasting them would align the batch axis with another axis");
        }
        full = rank(x);
      }
    }
    if (full < 0) {
      return xs;
    }
    Node[] out = xs.clone();
    for (int i = 0; i < xs.length; i++) {
      Node x = xs[i];
      if (x.batched() || x.shape().rank() < full) {
        continue;
      }
      if (x.shape().rank() > full || x.shape().dim(0) != 1) {
        throw refuse("constant operand " + i + " of shape " + x.shape() + " would be broadcast against the batch "
            + "axis (operands that depend on the inputs have rank " + full + ", batch axis first)");
      }
      out[i] = b.reshape(x, x.shape().dropFirst(1));
    }
    return out;
  }

  /** {@code x} reshaped to the ONNX dimensions {@code dims} (entry 0 is the batch axis when {@code x} is batched). */
  Node reshapeOnnx(Node x, long[] dims) {
    int off = x.batched() ? 1 : 0;
    int[] d = new int[dims.length - off];
    for (int i = 0; i < d.length; i++) {
      d[i] = Math.toIntExact(dims[i + off]);
    }
    return b.reshape(x, Shape.of(d));
  }
}
