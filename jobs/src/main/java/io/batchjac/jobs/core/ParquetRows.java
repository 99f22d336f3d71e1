package io.batchjac.jobs.core;

import java.io.Serializable;
import java.util.Map;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.Metadata;
import org.apache.spark.sql.types.MetadataBuilder;
import org.apache.spark.sql.types.StructType;

/**
 * The rows of a {@code .parquet} result (docs/cli.md, "Output files"): one per sample, columns
 * {@code id} (long), {@code value} (array&lt;double&gt;, f's M values) and, unless eval, the
 * derivative column named after the operation: a vector ({@code jvp}, {@code vjp}) as
 * array&lt;double&gt;; a matrix ({@code jacobian} (M, N), {@code hessian} (N, N)) as the
 * {@link ParquetLayout} says: array&lt;array&lt;double&gt;&gt; [row][column] (nested), or one
 * row-major array&lt;double&gt; (element (i, j) at {@code i * cols + j}) with {@code rows},
 * {@code cols} and {@code layout = "row-major"} in the column's metadata (flat).
 *
 * <p>The Parquet schema is the one Spark writes for that Spark schema (all fields required,
 * lists in the standard 3-level form {@code required group X (LIST) { repeated group list {
 * required ... element; } }}), so the levels of a value are: a vector's element e has repetition
 * level 0 for e = 0 (a new row), else 1, definition level 1; a nested matrix's element (i, j) has
 * repetition level 0 for (0, 0), 1 for a new inner list (j = 0), else 2, definition level 2.
 */
final class ParquetRows implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Metadata keys of a flat matrix column: its row count, column count and element order. */
  static final String ROWS = "rows";
  static final String COLS = "cols";
  static final String LAYOUT = "layout";
  static final String ROW_MAJOR = "row-major";
  /** The footer key under which Spark stores a file's Spark schema (as JSON). */
  static final String SPARK_ROW_METADATA = "org.apache.spark.sql.parquet.row.metadata";
  /** The footer key under which Spark stores the version that wrote a file. */
  static final String SPARK_VERSION_METADATA = "org.apache.spark.version";

  private final Operation op;
  /** Outputs of f per sample. */
  private final int m;
  /** The derivative's per-sample dimensions (Fortran order), see {@link Operation#sampleDims}. */
  private final int[] dims;
  private final ParquetLayout layout;
  private final int perSample;

  ParquetRows(Operation op, int m, int[] dims, ParquetLayout layout) {
    this.op = op;
    this.m = m;
    this.dims = dims.clone();
    this.layout = layout;
    int per = 1;
    for (int d : dims) {
      per *= d;
    }
    this.perSample = per;
  }

  private boolean matrix() {
    return op != Operation.EVAL && dims.length == 2;
  }

  private boolean nested() {
    return matrix() && layout == ParquetLayout.NESTED;
  }

  /** The summary's description of the rows written. */
  String describe() {
    String column = op == Operation.EVAL ? "" : ", " + op.column();
    if (matrix()) {
      column += layout == ParquetLayout.FLAT
          ? " flat row-major array<double> of " + dims[0] + "x" + dims[1]
          : " array<array<double>> [" + dims[0] + "][" + dims[1] + "]";
    }
    return "(Parquet, one row per sample: id, value" + column + ")";
  }

  /** The rows' Spark schema: id, value and (unless eval) the derivative column in the layout. */
  StructType sparkSchema() {
    DataType vec = DataTypes.createArrayType(DataTypes.DoubleType, false);
    StructType schema = new StructType()
        .add("id", DataTypes.LongType, false)
        .add("value", vec, false);
    if (op == Operation.EVAL) {
      return schema;
    }
    if (!matrix()) {
      return schema.add(op.column(), vec, false);
    }
    if (nested()) {
      return schema.add(op.column(), DataTypes.createArrayType(vec, false), false);
    }
    Metadata meta = new MetadataBuilder().putLong(ROWS, dims[0]).putLong(COLS, dims[1]).putString(LAYOUT, ROW_MAJOR)
        .build();
    return schema.add(op.column(), vec, false, meta);
  }

  /** The Parquet schema Spark writes for {@link #sparkSchema()} (message {@code spark_schema}). */
  MessageType messageType() {
    Types.MessageTypeBuilder b = Types.buildMessage();
    b.required(PrimitiveTypeName.INT64).named("id");
    b.addField(list("value", Types.required(PrimitiveTypeName.DOUBLE).named("element")));
    if (op != Operation.EVAL) {
      Type element = Types.required(PrimitiveTypeName.DOUBLE).named("element");
      b.addField(list(op.column(), nested() ? list("element", element) : element));
    }
    return b.named("spark_schema");
  }

  private static Type list(String name, Type element) {
    return Types.requiredGroup().as(LogicalTypeAnnotation.listType())
        .addField(Types.repeatedGroup().addField(element).named("list"))
        .named(name);
  }

  /** The footer's key-value metadata: the Spark schema and version, as Spark's writer stores them. */
  Map<String, String> footerMetadata() {
    return Map.of(SPARK_ROW_METADATA, sparkSchema().json(), SPARK_VERSION_METADATA,
        org.apache.spark.package$.MODULE$.SPARK_VERSION_SHORT());
  }

  /** Writes sample s's {@code value} list: M values from {@code values[s * M]}. */
  void writeValue(ColumnWriter w, double[] values, int s) {
    writeVector(w, values, s * m, m);
  }

  /** Writes sample s's derivative (its block at {@code data[s * perSample]}) in this layout. */
  void writeDerivative(ColumnWriter w, double[] data, int s) {
    int base = s * perSample;
    if (!matrix()) {
      writeVector(w, data, base, perSample);
      return;
    }
    int r = dims[0];
    int c = dims[1];
    if (r == 0 || c == 0) {
      if (!nested() || r == 0) {
        w.writeNull(0, 0); // an empty list
      } else {
        for (int i = 0; i < r; i++) {
          w.writeNull(i == 0 ? 0 : 1, 1); // r empty inner lists
        }
      }
      return;
    }
    // element (i, j) of the Fortran block is data[base + i + r * j]; rows are written in order
    int inner = nested() ? 2 : 1; // the repetition and definition level of an element inside a row
    for (int i = 0; i < r; i++) {
      int first = i == 0 ? 0 : 1; // a new row of the sample (nested: a new inner list)
      w.write(data[base + i], first, inner);
      for (int j = 1; j < c; j++) {
        w.write(data[base + i + r * j], inner, inner);
      }
    }
  }

  /** A list of {@code count} values from {@code v[offset]}: levels (0, 1), then (1, 1). */
  private static void writeVector(ColumnWriter w, double[] v, int offset, int count) {
    if (count == 0) {
      w.writeNull(0, 0);
      return;
    }
    w.write(v[offset], 0, 1);
    for (int k = 1; k < count; k++) {
      w.write(v[offset + k], 1, 1);
    }
  }
}
