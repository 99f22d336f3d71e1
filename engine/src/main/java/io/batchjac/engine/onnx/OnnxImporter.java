package io.batchjac.engine.onnx;

import com.google.protobuf.InvalidProtocolBufferException;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.lang.Spec;
import io.batchjac.engine.onnx.proto.OnnxModel.GraphProto;
import io.batchjac.engine.onnx.proto.OnnxModel.ModelProto;
import io.batchjac.engine.onnx.proto.OnnxModel.NodeProto;
import io.batchjac.engine.onnx.proto.OnnxModel.OperatorSetIdProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TensorProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TensorShapeProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TypeProto;
import io.batchjac.engine.onnx.proto.OnnxModel.ValueInfoProto;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Imports an ONNX model ({@code .onnx} file, protobuf) as a per-sample engine {@link Graph}.
 *
 * <ul>
 *   <li>Axis 0 of every graph input and output is the batch: an input declared
 *       {@code x: float[batch, 3, 4]} becomes the engine input {@code x} of shape {@code [3, 4]};
 *       the other dimensions must be numbers. Inputs and outputs keep their names and order.
 *   <li>Initializers become named params (float32 widened exactly to float64; integer
 *       initializers, used as shapes or indices, become constants), so
 *       {@code Engine.Wrt.params("fc1.weight")} differentiates with respect to a weight.
 *   <li>Nodes are mapped one by one onto engine operations (the table is {@link Operators},
 *       the user documentation {@code docs/onnx.md}). An operator outside the set, or one that
 *       would mix samples (a reduction, slice or reshape over the batch axis, BatchNormalization
 *       in training mode, ...), is refused with an {@link OnnxException} naming the node, its op
 *       type and why. So is a file that is not an ONNX model.
 * </ul>
 *
 * Thread-safe (no shared state).
 */
public final class OnnxImporter {
  private OnnxImporter() {}

  /** Reads and imports a {@code .onnx} file; errors name the path as given. */
  public static Spec importFile(Path file) {
    String name = file.toString();
    byte[] bytes;
    try {
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new OnnxException(name, "ONNX model file not found (" + file.toAbsolutePath().normalize() + ")", e);
    } catch (IOException e) {
      throw new OnnxException(name, "cannot read the ONNX model file (" + file.toAbsolutePath().normalize()
          + "): " + e, e);
    }
    return importBytes(bytes, name);
  }

  /** Imports a model from the bytes of a {@code .onnx} file; {@code name} starts error messages. */
  public static Spec importBytes(byte[] bytes, String name) {
    ModelProto model;
    try {
      model = ModelProto.parseFrom(bytes);
    } catch (InvalidProtocolBufferException e) {
      throw new OnnxException(name, "not an ONNX model: the file is not a valid protobuf message ("
          + e.getMessage() + "); it may be truncated or not an .onnx file", e);
    }
    if (!model.hasGraph() || model.getIrVersion() <= 0) {
      throw new OnnxException(name, "not an ONNX model: it has no " + (model.hasGraph() ? "IR version" : "graph")
          + " (" + bytes.length + " bytes read)", null);
    }
    try {
      return new Spec(new Import(model, name).run(), name);
    } catch (OnnxException e) {
      throw e;
    } catch (IllegalArgumentException | IllegalStateException | ArithmeticException e) {
      // e.g. two inputs of the same name, a dimension beyond int: the graph is not valid
      throw new OnnxException(name, "invalid graph: " + e.getMessage(), e);
    }
  }

  /** The op types the importer supports, sorted. */
  public static Set<String> supportedOperators() {
    return Operators.all().keySet();
  }

  /** One import: the model, its file name, and the ONNX values imported so far. */
  private static final class Import {
    private final ModelProto model;
    private final GraphProto g;
    private final String file;
    private final GraphBuilder b = new GraphBuilder();
    private final Map<String, Node> values = new HashMap<>();
    private long exportBatch = -1;

    Import(ModelProto model, String file) {
      this.model = model;
      this.g = model.getGraph();
      this.file = file;
    }

    Graph run() {
      long opset = opset();
      Set<String> initialized = new HashSet<>();
      for (TensorProto t : g.getInitializerList()) {
        initialized.add(t.getName());
      }
      int inputs = 0;
      for (ValueInfoProto v : g.getInputList()) {
        if (!initialized.contains(v.getName())) {
          values.put(v.getName(), b.input(v.getName(), inputShape(v)));
          inputs++;
        }
      }
      if (inputs == 0) {
        throw new OnnxException(file, "the graph has no inputs (besides initializers): there is nothing per sample "
            + "to differentiate", null);
      }
      for (TensorProto t : g.getInitializerList()) {
        Tensor value = OnnxTensors.decode(t, "initializer '" + t.getName() + "'", file);
        boolean floating = OnnxTensors.isFloating(t.getDataType());
        values.put(t.getName(), floating ? b.param(t.getName(), value) : b.constant(value));
      }
      for (NodeProto n : g.getNodeList()) {
        importNode(n, opset);
      }
      if (g.getOutputCount() == 0) {
        throw new OnnxException(file, "the graph has no outputs", null);
      }
      for (ValueInfoProto v : g.getOutputList()) {
        b.output(v.getName(), output(v));
      }
      return b.build();
    }

    /** The version of the default operator set ("" or "ai.onnx") the model imports. */
    private long opset() {
      for (OperatorSetIdProto o : model.getOpsetImportList()) {
        if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
          return o.getVersion();
        }
      }
      if (model.getOpsetImportCount() == 0) {
        return 1; // IR version 2 models and older carry no opset import
      }
      throw new OnnxException(file, "the model imports no version of the default ONNX operator set", null);
    }

    /** The per-sample shape of a graph input: its declared shape without axis 0. */
    private Shape inputShape(ValueInfoProto v) {
      String what = "input '" + v.getName() + "'";
      TypeProto type = v.getType();
      if (!type.hasTensorType()) {
        throw new OnnxException(file, what + " is not a tensor; only tensor inputs are supported", null);
      }
      int elem = type.getTensorType().getElemType();
      if (!OnnxTensors.isFloating(elem)) {
        throw new OnnxException(file, what + " has element type " + OnnxTensors.typeName(elem)
            + "; only floating-point inputs can be differentiated", null);
      }
      if (!type.getTensorType().hasShape()) {
        throw new OnnxException(file, what + " has no declared shape; batchjac needs [batch, fixed dimensions...]", null);
      }
      TensorShapeProto s = type.getTensorType().getShape();
      if (s.getDimCount() == 0) {
        throw new OnnxException(file, what + " is a scalar: it has no batch axis (axis 0 must be the batch)", null);
      }
      TensorShapeProto.Dimension batch = s.getDim(0);
      if (batch.hasDimValue()) {
        if (exportBatch >= 0 && exportBatch != batch.getDimValue()) {
          throw new OnnxException(file, what + " declares batch size " + batch.getDimValue()
              + " but another input declares " + exportBatch + "; axis 0 must be the same batch for all inputs", null);
        }
        exportBatch = batch.getDimValue();
      }
      int[] dims = new int[s.getDimCount() - 1];
      for (int i = 1; i < s.getDimCount(); i++) {
        TensorShapeProto.Dimension d = s.getDim(i);
        if (!d.hasDimValue() || d.getDimValue() <= 0) {
          throw new OnnxException(file, what + ": dimension " + i + " is " + (d.hasDimParam()
              ? "symbolic ('" + d.getDimParam() + "')" : d.hasDimValue() ? String.valueOf(d.getDimValue()) : "unknown")
              + "; only axis 0 (the batch) may vary, the others must be positive numbers", null);
        }
        dims[i - 1] = Math.toIntExact(d.getDimValue());
      }
      return Shape.of(dims);
    }

    private void importNode(NodeProto n, long opset) {
      NodeContext c = new NodeContext(n, b, values, opset, file, exportBatch);
      String domain = n.getDomain();
      if (!domain.isEmpty() && !domain.equals("ai.onnx")) {
        throw c.refuse("operators of domain '" + domain + "' are not supported (only the default ONNX domain)");
      }
      Operators.Importer op = Operators.get(n.getOpType());
      if (op == null) {
        throw c.refuse("operator " + n.getOpType() + " is not supported; the supported operators are "
            + String.join(", ", Operators.all().keySet()) + " (docs/onnx.md)");
      }
      checkBatchSizeUse(c, n);
      Node out;
      try {
        out = ConstantFolding.foldable(n, values)
            ? ConstantFolding.fold(n, op, b, values, opset, file, exportBatch)
            : op.apply(c);
      } catch (OnnxException e) {
        throw e;
      } catch (IllegalArgumentException | ArithmeticException | IndexOutOfBoundsException e) {
        // ShapeException, the builder's own checks, dimensions beyond int, malformed attributes
        throw c.refuse(e.getMessage());
      }
      for (int i = 1; i < n.getOutputCount(); i++) {
        if (!n.getOutput(i).isEmpty()) {
          throw c.refuse("output " + i + " ('" + n.getOutput(i) + "') is not supported; only the first output is");
        }
      }
      if (n.getOutputCount() == 0) {
        throw c.refuse("the node has no output");
      }
      values.put(n.getOutput(0), out);
    }

    /**
     * The batch size that {@code Shape} yields ({@link ShapeOps#BATCH_SIZE}) may only be moved
     * around on its way to a Reshape's target shape; any other use is refused.
     */
    private void checkBatchSizeUse(NodeContext c, NodeProto n) {
      if (ShapeOps.MOVES_BATCH_SIZE.contains(n.getOpType())) {
        return;
      }
      for (int i = 0; i < n.getInputCount(); i++) {
        if (c.has(i) && ShapeOps.holdsBatchSize(c.in(i))) {
          throw c.refuse("input " + i + " ('" + n.getInput(i) + "') holds the batch size, which is not known at "
              + "import; only reshaping to [batch size, ...] can use it");
        }
      }
    }

    /** The node of a graph output, checked against its declared shape. */
    private Node output(ValueInfoProto v) {
      Node n = values.get(v.getName());
      String what = "output '" + v.getName() + "'";
      if (n == null) {
        throw new OnnxException(file, what + " is not produced by any node, input or initializer", null);
      }
      if (!n.batched()) {
        throw new OnnxException(file, what + " does not depend on the inputs: it has no batch axis", null);
      }
      if (v.getType().hasTensorType() && v.getType().getTensorType().hasShape()) {
        TensorShapeProto s = v.getType().getTensorType().getShape();
        boolean fits = s.getDimCount() == n.shape().rank() + 1;
        for (int i = 1; fits && i < s.getDimCount(); i++) {
          fits = !s.getDim(i).hasDimValue() || s.getDim(i).getDimValue() == n.shape().dim(i - 1);
        }
        if (!fits) {
          throw new OnnxException(file, what + " is declared with " + s.getDimCount() + " axes " + describe(s)
              + " but computes per-sample shape " + n.shape() + " (plus the batch axis)", null);
        }
      }
      return n;
    }

    private static String describe(TensorShapeProto s) {
      StringBuilder sb = new StringBuilder("[");
      for (int i = 0; i < s.getDimCount(); i++) {
        TensorShapeProto.Dimension d = s.getDim(i);
        sb.append(i > 0 ? ", " : "").append(d.hasDimValue() ? String.valueOf(d.getDimValue())
            : d.hasDimParam() ? d.getDimParam() : "?");
      }
      return sb.append(']').toString();
    }
  }
}
