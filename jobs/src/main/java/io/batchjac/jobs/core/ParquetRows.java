package io.batchjac.jobs.core;

import java.io.Serializable;
import java.util.Map;
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

  /**
   * The pages under construction of the three (eval: two) leaf columns, in schema order, each
   * with its rows' structure: {@code id} one value, levels 0; a list of K > 0 values repetition
   * levels (0, 1 x (K - 1)) and definition level 1; a nested (r, c) matrix repetition levels
   * (0, 2 x (c - 1)), then (1, 2 x (c - 1)) per further row, definition level 2. An empty list is
   * one null entry (repetition 0, definition 0; an empty inner list: definition 1).
   */
  ColumnPage[] pages(MessageType type, org.apache.parquet.column.page.PageWriteStore store) {
    java.util.List<org.apache.parquet.column.ColumnDescriptor> leaves = type.getColumns();
    ColumnPage[] pages = new ColumnPage[leaves.size()];
    pages[0] = new ColumnPage(leaves.get(0), store.getPageWriter(leaves.get(0)), 1, new int[0], 1, 0);
    pages[1] = vector(leaves.get(1), store, m);
    if (pages.length > 2) {
      org.apache.parquet.column.ColumnDescriptor d = leaves.get(2);
      if (!nested()) {
        pages[2] = vector(d, store, perSample);
      } else if (dims[0] == 0) {
        pages[2] = new ColumnPage(d, store.getPageWriter(d), 0, new int[] {0, 1}, 1, 0);
      } else {
        int r = dims[0];
        int c = dims[1];
        int[] runs = new int[c > 1 ? 4 * r : 2 * r];
        int k = 0;
        for (int i = 0; i < r; i++) {
          runs[k++] = i == 0 ? 0 : 1; // a new sample, then a new inner list
          runs[k++] = 1;
          if (c > 1) {
            runs[k++] = 2; // the rest of the inner list
            runs[k++] = c - 1;
          }
        }
        pages[2] = c == 0 ? new ColumnPage(d, store.getPageWriter(d), 0, runs, r, 1)
            : new ColumnPage(d, store.getPageWriter(d), r * c, runs, r * c, 2);
      }
    }
    return pages;
  }

  private static ColumnPage vector(org.apache.parquet.column.ColumnDescriptor d,
      org.apache.parquet.column.page.PageWriteStore store, int k) {
    return k == 0 ? new ColumnPage(d, store.getPageWriter(d), 0, new int[] {0, 1}, 1, 0)
        : new ColumnPage(d, store.getPageWriter(d), k, k > 1 ? new int[] {0, 1, 1, k - 1} : new int[] {0, 1}, k, 1);
  }

  /**
   * Appends the samples {@code [b0, b0 + count)} to {@code pages}: {@code values} holds f's M
   * values per sample, {@code data} the derivative's per-sample blocks in the engine's layout (a
   * matrix in Fortran order, written row by row: element (i, j) is {@code data[base + i + r * j]});
   * {@code data} is ignored for eval.
   */
  void write(ColumnPage[] pages, long b0, int count, double[] values, double[] data) throws java.io.IOException {
    boolean matrix = matrix();
    int r = matrix ? dims[0] : 0;
    int c = matrix ? dims[1] : 0;
    for (int s = 0; s < count; s++) {
      pages[0].put(b0 + s);
      pages[0].endRow();
      for (int k = s * m, end = k + m; k < end; k++) {
        pages[1].put(values[k]);
      }
      pages[1].endRow();
      if (pages.length > 2) {
        int base = s * perSample;
        if (!matrix) {
          for (int k = base, end = base + perSample; k < end; k++) {
            pages[2].put(data[k]);
          }
        } else {
          for (int i = 0; i < r; i++) {
            for (int j = 0; j < c; j++) {
              pages[2].put(data[base + i + r * j]);
            }
          }
        }
        pages[2].endRow();
      }
    }
  }
}
