package io.batchjac.engine.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.google.protobuf.ByteString;
import io.batchjac.engine.onnx.proto.OnnxModel.StringStringEntryProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TensorProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TensorProto.DataType;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;

/** Initializer and constant decoding: raw little-endian data and typed fields, widened to float64. */
class OnnxTensorsTest {
  private static Tensor decode(TensorProto t) {
    return OnnxTensors.decode(t, "initializer 'w'", "m.onnx");
  }

  @Test
  void rawFloat32IsWidenedExactly() {
    ByteBuffer b = ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putFloat(0.1f).putFloat(-2.5f).putFloat(3e-8f);
    Tensor t = decode(TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addDims(3)
        .setRawData(ByteString.copyFrom(b.array())).build());
    assertEquals(Shape.of(3), t.shape());
    assertArrayEquals(new double[] {0.1f, -2.5f, 3e-8f}, t.data(), 0.0);
  }

  @Test
  void rawIntegersBoolsAndDoubles() {
    ByteBuffer i64 = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN).putLong(-1).putLong(1L << 40);
    assertArrayEquals(new double[] {-1, 1L << 40}, decode(TensorProto.newBuilder().setDataType(DataType.INT64_VALUE)
        .addDims(2).setRawData(ByteString.copyFrom(i64.array())).build()).data(), 0.0);
    assertArrayEquals(new double[] {1, 0, 255}, decode(TensorProto.newBuilder().setDataType(DataType.UINT8_VALUE)
        .addDims(3).setRawData(ByteString.copyFrom(new byte[] {1, 0, (byte) 255})).build()).data(), 0.0);
    ByteBuffer f64 = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putDouble(Math.PI);
    Tensor scalar = decode(TensorProto.newBuilder().setDataType(DataType.DOUBLE_VALUE)
        .setRawData(ByteString.copyFrom(f64.array())).build());
    assertEquals(Shape.SCALAR, scalar.shape());
    assertEquals(Math.PI, scalar.data()[0], 0.0);
  }

  @Test
  void typedFields() {
    Tensor m = decode(TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE).addDims(2).addDims(2)
        .addFloatData(1).addFloatData(2).addFloatData(3).addFloatData(0.3f).build());
    assertEquals(Shape.of(2, 2), m.shape());
    assertEquals(0.3f, m.get(1, 1), 0.0);
    assertArrayEquals(new double[] {4, -5}, decode(TensorProto.newBuilder().setDataType(DataType.INT64_VALUE)
        .addDims(2).addInt64Data(4).addInt64Data(-5).build()).data(), 0.0);
    assertArrayEquals(new double[] {1, 0}, decode(TensorProto.newBuilder().setDataType(DataType.BOOL_VALUE)
        .addDims(2).addInt32Data(1).addInt32Data(0).build()).data(), 0.0);
  }

  @Test
  void problemsNameTheTensor() {
    assertEquals("m.onnx: initializer 'w' holds 1 values but its shape [2, 3] needs 6", assertThrows(OnnxException.class,
        () -> decode(TensorProto.newBuilder().setDataType(DataType.DOUBLE_VALUE).addDims(2).addDims(3)
            .addDoubleData(1).build())).getMessage());
    assertEquals("m.onnx: initializer 'w' holds 0 values but its shape [1000000000] needs 1000000000",
        assertThrows(OnnxException.class, () -> decode(TensorProto.newBuilder().setDataType(DataType.DOUBLE_VALUE)
            .addDims(1_000_000_000).build())).getMessage());
    assertEquals("m.onnx: initializer 'w' has 6 bytes of data, not a multiple of 4 (FLOAT)",
        assertThrows(OnnxException.class, () -> decode(TensorProto.newBuilder().setDataType(DataType.FLOAT_VALUE)
            .addDims(1).setRawData(ByteString.copyFrom(new byte[6])).build())).getMessage());
    assertEquals("m.onnx: initializer 'w' has element type STRING; only float, double, integer and bool tensors are "
        + "supported", assertThrows(OnnxException.class, () -> decode(TensorProto.newBuilder()
            .setDataType(DataType.STRING_VALUE).addDims(1).build())).getMessage());
    assertEquals("m.onnx: initializer 'w' is stored in an external data file, which is not supported; save the model "
        + "with its weights inside the .onnx file", assertThrows(OnnxException.class, () -> decode(TensorProto
            .newBuilder().setDataType(DataType.FLOAT_VALUE).addDims(1).setDataLocation(TensorProto.DataLocation.EXTERNAL)
            .addExternalData(StringStringEntryProto.newBuilder().setKey("location").setValue("w.bin")).build()))
        .getMessage());
  }
}
