package io.batchjac.engine.onnx;

import io.batchjac.engine.onnx.proto.OnnxModel.TensorProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TensorProto.DataType;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Decodes ONNX {@code TensorProto}s (initializers, {@code Constant} values) into float64
 * {@link Tensor}s in C order: float32, integer and bool elements are widened exactly; data may be
 * in {@code raw_data} (little-endian) or in the typed fields. Tensors stored in external files,
 * strings, complex and 16-bit float types are refused with a message naming the tensor.
 */
final class OnnxTensors {
  private OnnxTensors() {}

  /** The tensor's value; {@code what} names it in messages (e.g. {@code initializer 'fc1.weight'}). */
  static Tensor decode(TensorProto t, String what, String file) {
    if (t.getDataLocation() == TensorProto.DataLocation.EXTERNAL || t.getExternalDataCount() > 0) {
      throw new OnnxException(file, what + " is stored in an external data file, which is not supported; "
          + "save the model with its weights inside the .onnx file", null);
    }
    int[] dims = new int[t.getDimsCount()];
    long size = 1;
    for (int i = 0; i < dims.length; i++) {
      long d = t.getDims(i);
      if (d < 0 || d > Integer.MAX_VALUE) {
        throw new OnnxException(file, what + " has an invalid dimension " + d, null);
      }
      dims[i] = (int) d;
      size *= d;
    }
    if (size > Integer.MAX_VALUE) {
      throw new OnnxException(file, what + " has too many elements (" + size + ")", null);
    }
    DataType type = DataType.forNumber(t.getDataType());
    if (type == null) {
      throw new OnnxException(file, what + " has the unknown element type number " + t.getDataType(), null);
    }
    long n;
    if (t.hasRawData()) {
      int width = width(type, what, file);
      if (t.getRawData().size() % width != 0) {
        throw new OnnxException(file, what + " has " + t.getRawData().size() + " bytes of data, not a multiple of "
            + width + " (" + type.name() + ")", null);
      }
      n = t.getRawData().size() / width;
    } else {
      n = fieldCount(t, type, what, file);
    }
    if (n != size) { // checked before allocating: a corrupt shape cannot ask for gigabytes
      throw new OnnxException(file, what + " holds " + n + " values but its shape " + Shape.of(dims)
          + " needs " + size, null);
    }
    double[] data = new double[(int) size];
    if (t.hasRawData()) {
      fromRaw(t, type, data, what, file);
    } else {
      fromFields(t, type, data, what, file);
    }
    return Tensor.of(Shape.of(dims), data);
  }

  /** How many values the typed field for {@code type} holds. */
  private static int fieldCount(TensorProto t, DataType type, String what, String file) {
    return switch (type) {
      case FLOAT -> t.getFloatDataCount();
      case DOUBLE -> t.getDoubleDataCount();
      case INT8, UINT8, BOOL, INT16, UINT16, INT32 -> t.getInt32DataCount();
      case INT64 -> t.getInt64DataCount();
      case UINT32, UINT64 -> t.getUint64DataCount();
      default -> throw unsupported(type, what, file);
    };
  }

  private static void fromRaw(TensorProto t, DataType type, double[] out, String what, String file) {
    ByteBuffer buf = t.getRawData().asReadOnlyByteBuffer().order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (type) {
        case FLOAT -> buf.getFloat();
        case DOUBLE -> buf.getDouble();
        case INT8 -> buf.get();
        case UINT8, BOOL -> buf.get() & 0xff;
        case INT16 -> buf.getShort();
        case UINT16 -> buf.getShort() & 0xffff;
        case INT32 -> buf.getInt();
        case UINT32 -> buf.getInt() & 0xffffffffL;
        case INT64 -> buf.getLong();
        case UINT64 -> unsigned(buf.getLong());
        default -> throw unsupported(type, what, file);
      };
    }
  }

  /** The values of the typed field (its count already checked against {@code out}). */
  private static void fromFields(TensorProto t, DataType type, double[] out, String what, String file) {
    for (int i = 0; i < out.length; i++) {
      out[i] = switch (type) {
        case FLOAT -> t.getFloatData(i);
        case DOUBLE -> t.getDoubleData(i);
        case INT8, UINT8, BOOL, INT16, UINT16, INT32 -> t.getInt32Data(i);
        case INT64 -> t.getInt64Data(i);
        case UINT32, UINT64 -> unsigned(t.getUint64Data(i));
        default -> throw unsupported(type, what, file);
      };
    }
  }

  private static int width(DataType type, String what, String file) {
    return switch (type) {
      case INT8, UINT8, BOOL -> 1;
      case INT16, UINT16 -> 2;
      case FLOAT, INT32, UINT32 -> 4;
      case DOUBLE, INT64, UINT64 -> 8;
      default -> throw unsupported(type, what, file);
    };
  }

  private static double unsigned(long v) {
    return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
  }

  private static OnnxException unsupported(DataType type, String what, String file) {
    return new OnnxException(file, what + " has element type " + (type == null ? "unknown" : type.name())
        + "; only float, double, integer and bool tensors are supported", null);
  }

  /** The name of an ONNX element type number (for messages). */
  static String typeName(int dataType) {
    DataType type = DataType.forNumber(dataType);
    return type == null ? "type " + dataType : type.name();
  }

  /** True for the floating-point element types whose values batchjac can take as inputs. */
  static boolean isFloating(int dataType) {
    return dataType == DataType.FLOAT_VALUE || dataType == DataType.DOUBLE_VALUE
        || dataType == DataType.FLOAT16_VALUE || dataType == DataType.BFLOAT16_VALUE;
  }
}
