package io.batchjac.udfs;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.SplittableRandom;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.Test;

/**
 * The matrix results of the Transformer and the SQL functions ({@link SparkArrays#matrix}), built directly in Spark's binary
 * layout, against the same matrix as Spark builds it from an array of per-row arrays: the same
 * values (bits, NaN and -0.0 included) read back through {@link ArrayData}, and the same bytes in
 * the row Spark's projection writes.
 */
class SparkArraysTest {
  private static final DataType MATRIX = DataTypes.createArrayType(DataTypes.createArrayType(DataTypes.DoubleType, false), false);

  /** The reference: per row an UnsafeArrayData of its doubles, in a GenericArrayData. */
  private static ArrayData reference(double[] v, int off, int rows, int cols) {
    Object[] out = new Object[rows];
    for (int r = 0; r < rows; r++) {
      double[] row = new double[cols];
      for (int c = 0; c < cols; c++) {
        row[c] = v[off + c * rows + r];
      }
      out[r] = UnsafeArrayData.fromPrimitiveArray(row);
    }
    return new GenericArrayData(out);
  }

  private static byte[] projected(ArrayData a) {
    UnsafeProjection p = UnsafeProjection.create(new DataType[] {MATRIX});
    UnsafeRow row = p.apply(new GenericInternalRow(new Object[] {a}));
    return row.getBytes();
  }

  @Test
  void sameValuesAndSameProjectedBytesAsPerRowArrays() {
    SplittableRandom rnd = new SplittableRandom(7);
    int[][] shapes = {{1, 1}, {8, 16}, {3, 65}, {65, 2}, {1, 64}, {64, 1}, {2, 0}, {130, 3}};
    for (int[] shape : shapes) {
      int rows = shape[0];
      int cols = shape[1];
      int off = 5;
      double[] v = new double[off + rows * cols + 3];
      for (int i = 0; i < v.length; i++) {
        int k = rnd.nextInt(20);
        v[i] = k == 0 ? Double.NaN : k == 1 ? -0.0 : k == 2 ? Double.NEGATIVE_INFINITY : rnd.nextDouble(-1e3, 1e3);
      }
      String what = rows + " x " + cols;
      ArrayData got = SparkArrays.matrix(v, off, rows, cols);
      ArrayData want = reference(v, off, rows, cols);
      assertEquals(rows, got.numElements(), what);
      for (int r = 0; r < rows; r++) {
        ArrayData row = got.getArray(r);
        assertEquals(cols, row.numElements(), what + " row " + r);
        double[] g = row.toDoubleArray();
        double[] w = want.getArray(r).toDoubleArray();
        for (int c = 0; c < cols; c++) {
          assertEquals(Double.doubleToRawLongBits(w[c]), Double.doubleToRawLongBits(g[c]), what + " (" + r + ", " + c + ")");
        }
      }
      assertArrayEquals(projected(want), projected(got), what + ": the row Spark writes");
    }
  }
}
