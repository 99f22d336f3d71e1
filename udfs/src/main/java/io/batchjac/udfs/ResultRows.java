package io.batchjac.udfs;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.expressions.UnsafeArrayData;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;

/**
 * The Transformer's output rows, built as Spark {@link UnsafeRow}s straight from its input rows:
 * the input row's bytes with one field appended, the derivative, whose bytes are laid out (with
 * zero values) when the row is read and whose values are written in place once the engine has run
 * the batch. One allocation and two copies per row, where a copy of the input row, a generic row
 * holding a new array, and a join of both (which Spark's projection then reads through) cost more.
 *
 * <p>Spark's layouts, which this class writes:
 * <ul>
 *   <li>An {@code UnsafeRow} of n fields is a null bit set (8 bytes per 64 fields), one 8-byte
 *       slot per field, then a variable-length region. A variable-length field's slot holds
 *       {@code offset << 32 | size}, the offset counted from the row's first byte (a null one
 *       holds 0, or an offset kept for a later update: Spark does so for large decimals).
 *       Appending a field adds a slot (and, when n is a multiple of 64, a bit-set word), so every
 *       offset moves by the same number of bytes.</li>
 *   <li>An {@code UnsafeArrayData} of n elements is its count (8 bytes), a null bit set (8 bytes per
 *       64 elements), one 8-byte slot per element (a double, or for a nested array
 *       {@code offset << 32 | size}, the offset counted from the outer array's first byte), then
 *       the nested arrays.</li>
 * </ul>
 *
 * <p>The result is a vector ({@code array<double>}, {@code values} long) or, when
 * {@code matrixRows > 0}, a matrix ({@code array<array<double>>}, {@code matrixRows} rows of
 * {@code values / matrixRows}), read from the engine's per-sample block (a matrix in Fortran
 * order: entry (r, c) at {@code c * rows + r}) as {@code BatchMapper} did before.
 */
final class ResultRows implements Serializable {
  private static final long serialVersionUID = 1L;

  private final int fields;
  /** Per input field: stored in the variable-length region (its slot is an offset and size). */
  private final boolean[] variable;
  private final int inBitSet;
  private final int outBitSet;
  /** How far the input's variable-length region moves: the grown bit set and the new slot. */
  private final int shift;
  private final int rows;
  private final int cols;
  /** The result's bytes with every value 0: the array's header (and the nested arrays' headers). */
  private final byte[] template;
  /** Where each of the result's rows begins among the template's bytes (one entry for a vector). */
  private final int[] rowValuesAt;

  /**
   * @param input the input rows' schema
   * @param values the result's values per sample
   * @param matrixRows the result matrix's rows, or 0 for a vector
   */
  ResultRows(StructType input, int values, int matrixRows) {
    this.fields = input.fields().length;
    this.variable = new boolean[fields];
    for (int i = 0; i < fields; i++) {
      variable[i] = !UnsafeRow.isFixedLength(input.fields()[i].dataType());
    }
    this.inBitSet = UnsafeRow.calculateBitSetWidthInBytes(fields);
    this.outBitSet = UnsafeRow.calculateBitSetWidthInBytes(fields + 1);
    this.shift = outBitSet - inBitSet + 8;
    this.rows = matrixRows > 0 ? matrixRows : 1;
    this.cols = values / rows;
    this.rowValuesAt = new int[rows];
    this.template = matrixRows > 0 ? matrixTemplate() : vectorTemplate();
  }

  private byte[] vectorTemplate() {
    int header = UnsafeArrayData.calculateHeaderPortionInBytes(cols);
    byte[] t = new byte[header + cols * 8];
    Platform.putLong(t, Platform.BYTE_ARRAY_OFFSET, cols);
    rowValuesAt[0] = header;
    return t;
  }

  private byte[] matrixTemplate() {
    int outerHeader = UnsafeArrayData.calculateHeaderPortionInBytes(rows);
    int innerHeader = UnsafeArrayData.calculateHeaderPortionInBytes(cols);
    int inner = innerHeader + cols * 8;
    int first = outerHeader + rows * 8;
    byte[] t = new byte[first + rows * inner];
    Platform.putLong(t, Platform.BYTE_ARRAY_OFFSET, rows);
    for (int r = 0; r < rows; r++) {
      int at = first + r * inner;
      Platform.putLong(t, Platform.BYTE_ARRAY_OFFSET + outerHeader + r * 8L, ((long) at << 32) | inner);
      Platform.putLong(t, Platform.BYTE_ARRAY_OFFSET + at, cols);
      rowValuesAt[r] = at + innerHeader;
    }
    return t;
  }

  /**
   * A new row: {@code in}'s fields and the result, laid out with zero values when
   * {@code withResult}, else null. {@code in} has the input schema's fields.
   */
  UnsafeRow append(UnsafeRow in, boolean withResult) {
    int inSize = in.getSizeInBytes();
    int result = withResult ? template.length : 0;
    int at = inSize + shift; // where the result's bytes begin
    byte[] buf = new byte[at + result];
    Object src = in.getBaseObject();
    long base = in.getBaseOffset();
    long dst = Platform.BYTE_ARRAY_OFFSET;
    Platform.copyMemory(src, base, buf, dst, inBitSet); // the new bit-set word, if any, stays 0
    Platform.copyMemory(src, base + inBitSet, buf, dst + outBitSet, fields * 8L);
    Platform.copyMemory(src, base + inBitSet + fields * 8L, buf, dst + outBitSet + (fields + 1) * 8L,
        inSize - inBitSet - fields * 8L);
    for (int i = 0; i < fields; i++) {
      long slot = dst + outBitSet + i * 8L;
      long v = Platform.getLong(buf, slot);
      if (variable[i] && v != 0) {
        Platform.putLong(buf, slot, v + ((long) shift << 32));
      }
    }
    long resultSlot = dst + outBitSet + fields * 8L;
    if (withResult) {
      Platform.putLong(buf, resultSlot, ((long) at << 32) | result);
      System.arraycopy(template, 0, buf, at, result);
    } else {
      long word = dst + (fields >> 6) * 8L;
      Platform.putLong(buf, word, Platform.getLong(buf, word) | (1L << (fields & 63)));
    }
    UnsafeRow out = new UnsafeRow(fields + 1);
    out.pointTo(buf, buf.length);
    return out;
  }

  /** Writes the result values of {@code row} (from {@link #append} with a result) from {@code res} at {@code off}. */
  void fill(UnsafeRow row, double[] res, int off) {
    byte[] buf = (byte[]) row.getBaseObject();
    long at = row.getBaseOffset() + (row.getLong(fields) >>> 32);
    if (rows == 1) {
      Platform.copyMemory(res, Platform.DOUBLE_ARRAY_OFFSET + off * 8L, buf, at + rowValuesAt[0], cols * 8L);
      return;
    }
    for (int r = 0; r < rows; r++) {
      long rowAt = at + rowValuesAt[r];
      for (int c = 0; c < cols; c++) {
        Platform.putDouble(buf, rowAt + c * 8L, res[off + c * rows + r]);
      }
    }
  }
}
