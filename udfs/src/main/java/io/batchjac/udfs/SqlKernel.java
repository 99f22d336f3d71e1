package io.batchjac.udfs;

import java.io.Serializable;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.errors.QueryExecutionErrors;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * What Spark's generated code calls for every row of a SQL function ({@link SqlCall} compiles to
 * {@code kernel.row2(spec, x)} or {@code kernel.row3(spec, x, v)} inside whole-stage codegen):
 * the row's Spark values in, Spark values out, with no conversion beyond one copy each way.
 *
 * <ul>
 *   <li>in: x (and v) as Spark's {@code ArrayData} of doubles (other numeric arrays are cast
 *       before, by {@link SqlCall}), copied into a {@code double[]} in one go
 *       ({@link ArrayData#toDoubleArray}: a memory copy for Spark's unsafe arrays); a null
 *       element, possible only when the argument's type allows it, is an error naming its
 *       position;</li>
 *   <li>the spec: not read at all when it was fixed when the query was analyzed; otherwise
 *       compared with the previous row's (bytes, no decoding) and resolved only when it
 *       changes;</li>
 *   <li>out: {@code array<double>} as an {@code UnsafeArrayData} made from the engine's result
 *       in one copy; a matrix as one nested {@code UnsafeArrayData} ({@link SparkArrays#matrix});</li>
 *   <li>errors: the {@link RowFunction}'s message inside Spark's {@code FAILED_EXECUTE_UDF}
 *       (SQLSTATE 39000), as Spark reports an exception of a user-defined function.</li>
 * </ul>
 * Null arguments never get here: the generated code returns null for them first.
 *
 * <p>One instance per Spark task (Spark deserializes the generated code's references per task);
 * the previous row's spec is kept in one immutable record, so sharing is harmless too.
 */
public final class SqlKernel implements Serializable {
  private static final long serialVersionUID = 1L;

  private final RowFunction row;
  private final boolean xMayHoldNull;
  private final boolean vMayHoldNull;
  private final String argumentTypes;
  private final String resultType;

  private transient volatile Current current;

  private record Current(UTF8String spec, CompiledSpec compiled) {}

  /**
   * @param xMayHoldNull whether x's type allows null elements (then each is checked)
   * @param vMayHoldNull the same for the third argument
   * @param argumentTypes the arguments' types for error messages, e.g. {@code string, array<double>}
   * @param resultType the result's type for error messages, e.g. {@code array<double>}
   */
  SqlKernel(RowFunction row, boolean xMayHoldNull, boolean vMayHoldNull, String argumentTypes, String resultType) {
    this.row = row;
    this.xMayHoldNull = xMayHoldNull;
    this.vMayHoldNull = vMayHoldNull;
    this.argumentTypes = argumentTypes;
    this.resultType = resultType;
  }

  /**
   * The kernel a query calling {@code function} with the constant spec {@code spec} and an
   * {@code array<double>} x without null elements gets, for a caller that is not Spark's
   * generated code (a benchmark of this class's own cost, a test); files are read without
   * restriction.
   */
  public static SqlKernel withFixedSpec(SqlFunction function, String spec) {
    SafetyConf safety = SafetyConf.unrestricted();
    String vector = function.arity() == 3 ? ", array<double>" : "";
    return new SqlKernel(new RowFunction(function, SpecSource.resolve(spec, safety), safety), false, false,
        "string, array<double>" + vector, function.returnsMatrix() ? "array<array<double>>" : "array<double>");
  }

  /** One row of a two-argument function (spec, x). */
  public ArrayData row2(UTF8String spec, ArrayData x) {
    return compute(spec, x, null);
  }

  /** One row of jvp or vjp (spec, x, u or v). */
  public ArrayData row3(UTF8String spec, ArrayData x, ArrayData v) {
    return compute(spec, x, v);
  }

  private ArrayData compute(UTF8String spec, ArrayData x, ArrayData v) {
    try {
      CompiledSpec cs = compiled(spec);
      double[] xs = doubles(x, "x", xMayHoldNull);
      double[] vs = v == null ? null : doubles(v, row.function().vectorName(), vMayHoldNull);
      double[] out = row.block(cs, xs, vs);
      int rows = row.function().matrixRows(cs);
      return rows == 0 ? SparkArrays.vector(out, 0, out.length) : SparkArrays.matrix(out, 0, rows, out.length / rows);
    } catch (RuntimeException e) {
      throw SparkInternals.sneaky(QueryExecutionErrors.failedExecuteUserDefinedFunctionError(
          "`" + row.function().sqlName() + "`", argumentTypes, resultType, e));
    }
  }

  private CompiledSpec compiled(UTF8String spec) {
    Current c = current;
    if (c != null && (row.fixedSpec() || c.spec() == spec || c.spec().equals(spec))) {
      return c.compiled();
    }
    CompiledSpec cs = row.compiled(row.fixedSpec() ? null : spec.toString());
    // the row's string may live in a buffer Spark reuses for the next row: keep a copy
    current = new Current(row.fixedSpec() ? null : spec.clone(), cs);
    return cs;
  }

  private double[] doubles(ArrayData a, String arg, boolean mayHoldNull) {
    if (mayHoldNull) {
      for (int i = 0, len = a.numElements(); i < len; i++) {
        if (a.isNullAt(i)) {
          throw row.nullValue(arg, i);
        }
      }
    }
    return a.toDoubleArray();
  }

  @Override
  public String toString() {
    return row.function().sqlName() + (row.fixedSpec() ? " (spec fixed at analysis)" : "");
  }
}
