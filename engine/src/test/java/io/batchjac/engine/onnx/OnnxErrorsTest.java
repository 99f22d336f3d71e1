package io.batchjac.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.lang.SpecException;
import io.batchjac.engine.onnx.proto.OnnxModel.GraphProto;
import io.batchjac.engine.onnx.proto.OnnxModel.ModelProto;
import io.batchjac.engine.onnx.proto.OnnxModel.NodeProto;
import io.batchjac.engine.onnx.proto.OnnxModel.OperatorSetIdProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TensorProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TensorShapeProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TypeProto;
import io.batchjac.engine.onnx.proto.OnnxModel.ValueInfoProto;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Refused operators (PyTorch exports) and bad files: one clear message naming what and where. */
class OnnxErrorsTest {
  private static final Path DIR = OnnxFixturesTest.DIR;

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "refused_cumsum | CumSum | operator CumSum is not supported; the supported operators are Abs, Acos,",
      "refused_batch_sum | ReduceSum | a sum over axis 0, the batch axis, would mix samples",
      "refused_reshape | Reshape | reshaping to [2, -1] moves the batch axis",
      "refused_batch_size | Div | holds the batch size, which is not known at import; only reshaping to [batch size, ...] can use it",
      "refused_batchnorm_training | BatchNormalization | training mode normalizes with statistics computed over the batch"})
  void refusedNodesNameTheNodeTheOpAndWhy(String model, String opType, String why) {
    Path file = DIR.resolve(model + ".onnx");
    OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.importFile(file));
    assertEquals(opType, e.opType());
    assertTrue(e.getMessage().startsWith(file + ": node '" + e.node() + "' (" + opType + "): "), e.getMessage());
    assertTrue(e.getMessage().contains(why), e.getMessage());
    assertTrue(e.node().contains(opType), "PyTorch names nodes after their op: " + e.node());
  }

  @Test
  void aFileThatIsNotProtobufIsNotAModel() {
    byte[] text = "input x[2]; output x[0] * sin(x[1])\n".getBytes(StandardCharsets.UTF_8);
    OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.importBytes(text, "f.onnx"));
    assertTrue(e.getMessage().startsWith("f.onnx: not an ONNX model"), e.getMessage());
    assertNull(e.node());
  }

  @Test
  void aTruncatedFileIsNotAModel() throws IOException {
    byte[] full = Files.readAllBytes(DIR.resolve("mlp64.onnx"));
    for (int cut : new int[] {full.length / 2, full.length - 3}) {
      byte[] part = Arrays.copyOf(full, cut);
      OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.importBytes(part, "cut.onnx"));
      assertTrue(e.getMessage().startsWith("cut.onnx: not an ONNX model: the file is not a valid protobuf message"),
          e.getMessage());
      assertTrue(e.getMessage().contains("truncated"), e.getMessage());
    }
  }

  @Test
  void anEmptyFileHasNoGraph() {
    OnnxException e = assertThrows(OnnxException.class, () -> OnnxImporter.importBytes(new byte[0], "empty.onnx"));
    assertEquals("empty.onnx: not an ONNX model: it has no graph (0 bytes read)", e.getMessage());
  }

  @Test
  void aMissingFileIsNamed() {
    Path missing = Path.of("no/such/model.onnx");
    SpecException e = assertThrows(SpecException.class, () -> OnnxImporter.importFile(missing));
    assertTrue(e.getMessage().startsWith("no/such/model.onnx: ONNX model file not found ("), e.getMessage());
  }

  @Test
  void aGraphWithNoInputsIsRefused() {
    TensorProto c = TensorProto.newBuilder().setName("c").setDataType(TensorProto.DataType.DOUBLE_VALUE)
        .addDims(2).addDoubleData(1).addDoubleData(2).build();
    GraphProto g = GraphProto.newBuilder().addInitializer(c)
        .addNode(NodeProto.newBuilder().setOpType("Neg").addInput("c").addOutput("y"))
        .addOutput(value("y", "batch", 2)).build();
    OnnxException e = assertThrows(OnnxException.class, () -> importGraph(g));
    assertEquals("m.onnx: the graph has no inputs (besides initializers): there is nothing per sample to differentiate",
        e.getMessage());
  }

  @Test
  void inputsNeedAFixedShapeAfterTheBatchAxisAndAFloatType() {
    GraphProto symbolic = GraphProto.newBuilder().addInput(value("x", "batch", -1))
        .addNode(NodeProto.newBuilder().setOpType("Neg").addInput("x").addOutput("y"))
        .addOutput(value("y", "batch", 2)).build();
    assertEquals("m.onnx: input 'x': dimension 1 is symbolic ('n'); only axis 0 (the batch) may vary, the others "
        + "must be positive numbers", assertThrows(OnnxException.class, () -> importGraph(symbolic)).getMessage());

    ValueInfoProto ints = value("x", "batch", 2).toBuilder().setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.INT64_VALUE)
            .setShape(value("x", "batch", 2).getType().getTensorType().getShape()))).build();
    GraphProto integer = symbolic.toBuilder().setInput(0, ints).build();
    assertEquals("m.onnx: input 'x' has element type INT64; only floating-point inputs can be differentiated",
        assertThrows(OnnxException.class, () -> importGraph(integer)).getMessage());
  }

  @Test
  void nodesOfOtherDomainsAndUnknownOperandsAreRefused() {
    GraphProto custom = GraphProto.newBuilder().addInput(value("x", "batch", 2))
        .addNode(NodeProto.newBuilder().setName("my_op").setOpType("Frob").setDomain("com.example")
            .addInput("x").addOutput("y"))
        .addOutput(value("y", "batch", 2)).build();
    assertEquals("m.onnx: node 'my_op' (Frob): operators of domain 'com.example' are not supported (only the "
        + "default ONNX domain)", assertThrows(OnnxException.class, () -> importGraph(custom)).getMessage());

    GraphProto dangling = GraphProto.newBuilder().addInput(value("x", "batch", 2))
        .addNode(NodeProto.newBuilder().setOpType("Add").addInput("x").addInput("w").addOutput("y"))
        .addOutput(value("y", "batch", 2)).build();
    assertEquals("m.onnx: node 'y' (Add): input 'w' is not produced by any earlier node, graph input or initializer",
        assertThrows(OnnxException.class, () -> importGraph(dangling)).getMessage());
  }

  @Test
  void aGemmOverTheBatchAxisIsRefused() {
    // x^T @ x over a [batch, 2] input: the product contracts the batch axis
    GraphProto g = GraphProto.newBuilder().addInput(value("x", "batch", 2))
        .addNode(NodeProto.newBuilder().setName("gram").setOpType("MatMul").addInput("x").addInput("x").addOutput("y"))
        .addOutput(value("y", "batch", 2)).build();
    OnnxException e = assertThrows(OnnxException.class, () -> importGraph(g));
    assertTrue(e.getMessage().startsWith("m.onnx: node 'gram' (MatMul): operands of ranks 2 and 2"), e.getMessage());
    assertTrue(e.getMessage().endsWith("the product would contract or mix the batch axis"), e.getMessage());
  }

  @Test
  void corruptedModelsFailWithAnOnnxExceptionOrImport() throws IOException {
    // random byte changes of real models: whatever happens, it is an import or an OnnxException
    java.util.Random rnd = new java.util.Random(7);
    for (String model : new String[] {"mlp64", "two_io", "extras"}) {
      byte[] full = Files.readAllBytes(DIR.resolve(model + ".onnx"));
      for (int trial = 0; trial < 150; trial++) {
        byte[] bad = full.clone();
        for (int k = 0; k <= trial % 4; k++) {
          bad[rnd.nextInt(bad.length)] = (byte) rnd.nextInt(256);
        }
        try {
          OnnxImporter.importBytes(bad, "bad.onnx");
        } catch (OnnxException e) {
          assertTrue(e.getMessage().startsWith("bad.onnx: "), e.getMessage());
        } catch (RuntimeException e) {
          throw new AssertionError(model + " trial " + trial + ": not an OnnxException", e);
        }
      }
    }
  }

  @Test
  void aGemmTransposingTheBatchedOperandIsRefused() {
    TensorProto w = TensorProto.newBuilder().setName("w").setDataType(TensorProto.DataType.DOUBLE_VALUE)
        .addDims(2).addDims(2).addDoubleData(1).addDoubleData(2).addDoubleData(3).addDoubleData(4).build();
    GraphProto g = GraphProto.newBuilder().addInput(value("x", "batch", 2)).addInitializer(w)
        .addNode(NodeProto.newBuilder().setName("fc").setOpType("Gemm").addInput("x").addInput("w").addOutput("y")
            .addAttribute(io.batchjac.engine.onnx.proto.OnnxModel.AttributeProto.newBuilder().setName("transA").setI(1)))
        .addOutput(value("y", "batch", 2)).build();
    assertEquals("m.onnx: node 'fc' (Gemm): transA = 1 on an operand that depends on the inputs would move the batch axis",
        assertThrows(OnnxException.class, () -> importGraph(g)).getMessage());
  }

  /** A float64 value [batch, d] (d < 0: a symbolic 'n'). */
  static ValueInfoProto value(String name, String batch, int d) {
    TensorShapeProto.Builder s = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
    s.addDim(d < 0 ? TensorShapeProto.Dimension.newBuilder().setDimParam("n").build()
        : TensorShapeProto.Dimension.newBuilder().setDimValue(d).build());
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
        TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.DOUBLE_VALUE).setShape(s))).build();
  }

  static Object importGraph(GraphProto g) {
    ModelProto m = ModelProto.newBuilder().setIrVersion(7).setGraph(g)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setVersion(14)).build();
    return OnnxImporter.importBytes(m.toByteArray(), "m.onnx");
  }
}
