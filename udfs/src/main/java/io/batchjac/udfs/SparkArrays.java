package io.batchjac.udfs;

import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.unsafe.Platform;

/**
 * Spark's internal array values of the engine's per-sample results, as the SQL functions
 * ({@link SqlKernel}) and the Transformer ({@link BatchMapper}) return them: {@code array<double>}
 * and {@code array<array<double>>}, each one {@link UnsafeArrayData} built in one byte array.
 */
final class SparkArrays {
  private SparkArrays() {}

  /** {@code len} values from {@code off} as an {@code array<double>} value (one copy). */
  static ArrayData vector(double[] v, int off, int len) {
    return UnsafeArrayData.fromPrimitiveArray(v, Platform.DOUBLE_ARRAY_OFFSET + off * Double.BYTES, len, Double.BYTES);
  }

  /**
   * The batch-last block at {@code off} ({@code rows x cols}, column-major: entry (r, c) at
   * {@code off + c * rows + r}) as an {@code array<array<double>>} value, row by row: one
   * {@link UnsafeArrayData} in Spark's binary layout, built in one byte array, so that Spark's
   * projection copies it whole (an array of per-row arrays was rebuilt element by element):
   * <pre>
   *   rows, null bits (none set), per row (offset &lt;&lt; 32 | size), then per row:
   *     cols, null bits (none set), its cols doubles
   * </pre>
   * with offsets from the start of the outer array, every part a multiple of 8 bytes.
   */
  static ArrayData matrix(double[] v, int off, int rows, int cols) {
    int innerHeader = UnsafeArrayData.calculateHeaderPortionInBytes(cols);
    int inner = innerHeader + cols * Double.BYTES;
    int outerHeader = UnsafeArrayData.calculateHeaderPortionInBytes(rows);
    int first = outerHeader + rows * Long.BYTES;
    int total = Math.toIntExact(first + (long) rows * inner);
    byte[] bytes = new byte[total];
    long base = Platform.BYTE_ARRAY_OFFSET;
    Platform.putLong(bytes, base, rows);
    for (int r = 0; r < rows; r++) {
      int at = first + r * inner;
      Platform.putLong(bytes, base + outerHeader + (long) r * Long.BYTES, ((long) at << 32) | inner);
      Platform.putLong(bytes, base + at, cols);
      long p = base + at + innerHeader;
      for (int c = 0; c < cols; c++) {
        Platform.putDouble(bytes, p + (long) c * Double.BYTES, v[off + c * rows + r]);
      }
    }
    UnsafeArrayData a = new UnsafeArrayData();
    a.pointTo(bytes, base, total);
    return a;
  }
}
