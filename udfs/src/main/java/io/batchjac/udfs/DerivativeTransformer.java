package io.batchjac.udfs;

import io.batchjac.engine.api.Operation;
import io.batchjac.engine.api.SpecLoader;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.Identifiable$;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * A Spark ML {@code Transformer} that appends per-row derivatives of a function spec, computed
 * in batches: each partition's rows are gathered into batches of {@link #batchSize()} rows and
 * the engine runs once per batch (the vectorized counterpart of the SQL functions, several times
 * faster than calling them row by row).
 *
 * <pre>{@code
 * DerivativeTransformer t = new DerivativeTransformer()
 *     .setSpec("conf/examples/borehole.fn")   // a .fn or .onnx path, or an inline spec
 *     .setInputCol("x")                       // array<double> (other numeric arrays are cast)
 *     .setOutputCol("grad")
 *     .setMode("gradient");                   // jacobian (default), gradient, jvp, vjp, hessian, eval
 * Dataset<Row> out = t.transform(samples);
 * }</pre>
 *
 * <p>Params: {@code spec} holds the spec's TEXT (a path given to {@link #setSpec} is read at
 * once), so a saved model carries its function; for an ONNX model ({@code specFormat}
 * {@code onnx}) it holds the model file's bytes in Base64, weights included. {@code specName}
 * (the path as given, or {@code <inline>}) names it in errors, and {@code specDir} is the
 * directory a {@code .fn} spec's {@code load("...")} paths are relative to, which must still hold
 * those files where the model is used. {@code mode}
 * picks the operation and the output type: {@code jacobian} and {@code hessian} give
 * array&lt;array&lt;double&gt;&gt; (M x N, N x N), the others array&lt;double&gt; (gradient N, jvp
 * M, vjp N, eval M). {@code jvp} and {@code vjp} read the tangent (N values) or cotangent (M
 * values) from {@code tangentCol}. {@code backend} is {@code auto} (forward when N &lt;= M),
 * {@code forward} or {@code reverse}.
 *
 * <p>Specs arrive as data here as in SQL: files are read, and results bounded, under the
 * application's {@link SafetyConf} (a result per row above {@code spark.batchjac.limits.resultValues}
 * is refused when the schema is checked).
 *
 * <p>Rows: a null input (or tangent) gives a null output; an array of the wrong length or with a
 * null element fails the job with a message naming the column, both lengths and the position;
 * NaN values give NaN results. Results equal the engine's ({@code Engine.batchedJacobian} etc.)
 * bit for bit.
 */
public class DerivativeTransformer extends Transformer implements DefaultParamsWritable {
  private static final long serialVersionUID = 1L;

  /** The modes, in documentation order. */
  public static final List<String> MODES = List.of("jacobian", "gradient", "jvp", "vjp", "hessian", "eval");
  /** The backends. */
  public static final List<String> BACKENDS = List.of("auto", "forward", "reverse");
  /** The spec formats: the function language, or an ONNX model. */
  public static final List<String> FORMATS = List.of("fn", "onnx");

  private final String uid;
  private final Param<String> spec;
  private final Param<String> specName;
  private final Param<String> specDir;
  private final Param<String> specFormat;
  private final Param<String> inputCol;
  private final Param<String> outputCol;
  private final Param<String> tangentCol;
  private final Param<String> backend;
  private final Param<String> mode;
  private final IntParam batchSize;

  public DerivativeTransformer() {
    this(Identifiable$.MODULE$.randomUID("derivative"));
  }

  public DerivativeTransformer(String uid) {
    this.uid = uid;
    spec = new Param<>(this, "spec", "the function spec's text, or an ONNX model's bytes in Base64 (setSpec also takes a .fn or .onnx path and reads it)");
    specName = new Param<>(this, "specName", "the spec's name in error messages: its .fn or .onnx path as given, or <inline>");
    specDir = new Param<>(this, "specDir",
        "the directory load(\"...\") paths in the spec are relative to (empty: the current directory)");
    specFormat = new Param<>(this, "specFormat",
        "what spec holds: fn (function-language text) or onnx (an ONNX model file's bytes, Base64)",
        ParamValidators.inArray(FORMATS.toArray(new String[0])));
    inputCol = new Param<>(this, "inputCol", "input column: array of the N input values");
    outputCol = new Param<>(this, "outputCol", "output column (must not exist yet)");
    tangentCol = new Param<>(this, "tangentCol",
        "column of tangents u (N values, mode jvp) or cotangents v (M values, mode vjp)");
    backend = new Param<>(this, "backend", "AD mode for Jacobians: auto (forward when N <= M), forward or reverse",
        ParamValidators.inArray(BACKENDS.toArray(new String[0])));
    mode = new Param<>(this, "mode", "what to compute: " + String.join(", ", MODES),
        ParamValidators.inArray(MODES.toArray(new String[0])));
    batchSize = new IntParam(this, "batchSize",
        "rows per engine call (at least 1; fewer when a row's result is large: at most 4M result values per call)",
        ParamValidators.gtEq(1));
    setDefault(specName, "<inline>");
    setDefault(specDir, "");
    setDefault(specFormat, "fn");
    setDefault(outputCol, uid + "__output");
    setDefault(backend, "auto");
    setDefault(mode, "jacobian");
    setDefault(batchSize, 4096);
  }

  @Override
  public String uid() {
    return uid;
  }

  // ------------------------------------------------------------------ params (accessors are how Spark finds them)

  public Param<String> spec() {
    return spec;
  }

  public Param<String> specName() {
    return specName;
  }

  public Param<String> specDir() {
    return specDir;
  }

  public Param<String> specFormat() {
    return specFormat;
  }

  public Param<String> inputCol() {
    return inputCol;
  }

  public Param<String> outputCol() {
    return outputCol;
  }

  public Param<String> tangentCol() {
    return tangentCol;
  }

  public Param<String> backend() {
    return backend;
  }

  public Param<String> mode() {
    return mode;
  }

  public IntParam batchSize() {
    return batchSize;
  }

  // ------------------------------------------------------------------ setters and getters

  /**
   * Sets the function: a path to a {@code .fn} file or an {@code .onnx} model (read now; its
   * content is what is kept and saved) or an inline spec. The spec is compiled at once, so a spec error is thrown here as a
   * {@code SpecException} ({@code file:line:column: problem}).
   */
  public DerivativeTransformer setSpec(String pathOrSpec) {
    SafetyConf safety = SafetyConf.current();
    SpecSource src = SpecSource.resolve(pathOrSpec, safety);
    SpecCache.get(src, safety);
    set(spec, src.text());
    set(specName, src.name());
    set(specDir, src.baseDir() == null ? "" : src.baseDir());
    set(specFormat, src.format() == SpecLoader.Format.ONNX ? "onnx" : "fn");
    return this;
  }

  public DerivativeTransformer setInputCol(String value) {
    set(inputCol, value);
    return this;
  }

  public DerivativeTransformer setOutputCol(String value) {
    set(outputCol, value);
    return this;
  }

  public DerivativeTransformer setTangentCol(String value) {
    set(tangentCol, value);
    return this;
  }

  public DerivativeTransformer setBackend(String value) {
    set(backend, value);
    return this;
  }

  public DerivativeTransformer setMode(String value) {
    set(mode, value);
    return this;
  }

  public DerivativeTransformer setBatchSize(int value) {
    set(batchSize, value);
    return this;
  }

  /** The spec's text (null when unset). */
  public String getSpec() {
    return isDefined(spec) ? $(spec) : null;
  }

  public String getSpecName() {
    return $(specName);
  }

  public String getSpecDir() {
    return $(specDir);
  }

  /** {@code fn} or {@code onnx}. */
  public String getSpecFormat() {
    return $(specFormat);
  }

  public String getInputCol() {
    return isDefined(inputCol) ? $(inputCol) : null;
  }

  public String getOutputCol() {
    return $(outputCol);
  }

  public String getTangentCol() {
    return isDefined(tangentCol) ? $(tangentCol) : null;
  }

  public String getBackend() {
    return $(backend);
  }

  public String getMode() {
    return $(mode);
  }

  public int getBatchSize() {
    return (Integer) $(batchSize);
  }

  /** The spec as the engine sees it (text, name, directory). */
  public SpecSource getSpecSource() {
    String dir = getSpecDir();
    return new SpecSource(require(getSpec(), "spec", "setSpec(path or inline spec)"), getSpecName(),
        dir == null || dir.isEmpty() ? null : dir,
        getSpecFormat().equals("onnx") ? SpecLoader.Format.ONNX : SpecLoader.Format.FUNCTION_LANGUAGE);
  }

  // ------------------------------------------------------------------ Transformer

  @Override
  public StructType transformSchema(StructType schema) {
    return plan(schema).outputSchema();
  }

  @Override
  public Dataset<Row> transform(Dataset<?> dataset) {
    Dataset<Row> df = dataset.toDF();
    BatchPlan p = plan(df.schema());
    // The rows go through as Spark's internal rows. BatchMapper reads the input (and tangent)
    // without boxing from an array<double> column: the user's own when it is one, else an added
    // cast of it, dropped after.
    List<Column> cols = new ArrayList<>();
    for (String c : df.columns()) {
      cols.add(df.col(quoted(c)));
    }
    int k = df.columns().length;
    int xCol = readable(df, p.inName(), cols, HIDDEN_X);
    int tCol = p.hasTangent() ? readable(df, p.tanName(), cols, HIDDEN_T) : -1;
    Dataset<Row> withCasts = cols.size() == k ? df : df.select(cols.toArray(new Column[0]));
    StructField result = p.outputSchema().fields()[p.outputSchema().fields().length - 1];
    Dataset<Row> out = SparkInternals.mapInternalRows(withCasts, new BatchMapper(p, xCol, tCol),
        withCasts.schema().add(result));
    return cols.size() == k ? out : out.drop(HIDDEN_X, HIDDEN_T);
  }

  /**
   * The index of an array&lt;double&gt; column holding {@code name}'s values: {@code name}'s own
   * when it is one, else a cast of it added to {@code cols} as {@code hidden}.
   */
  private static int readable(Dataset<Row> df, String name, List<Column> cols, String hidden) {
    int idx = df.schema().fieldIndex(name);
    if (df.schema().fields()[idx].dataType() instanceof ArrayType a
        && a.elementType().equals(org.apache.spark.sql.types.DataTypes.DoubleType)) {
      return idx;
    }
    cols.add(df.col(quoted(name)).cast(NULLABLE_VECTOR).as(hidden));
    return cols.size() - 1;
  }

  /** array<double> whose elements may be null: what any numeric array casts to (nulls are reported per position). */
  private static final DataType NULLABLE_VECTOR = org.apache.spark.sql.types.DataTypes.createArrayType(
      org.apache.spark.sql.types.DataTypes.DoubleType, true);
  private static final String HIDDEN_X = "__batchjac_input__";
  private static final String HIDDEN_T = "__batchjac_tangent__";

  /** A column name as {@code Dataset.col} takes it literally (dots and backticks included). */
  private static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  @Override
  public DerivativeTransformer copy(ParamMap extra) {
    return defaultCopy(extra);
  }

  public static MLReader<DerivativeTransformer> read() {
    return new DefaultParamsReadable<DerivativeTransformer>() {}.read();
  }

  public static DerivativeTransformer load(String path) {
    return read().load(path);
  }

  @Override
  public String toString() {
    return "DerivativeTransformer: uid=" + uid + ", mode=" + getMode() + ", spec=" + getSpecName();
  }

  // ------------------------------------------------------------------ validation

  /** Validates the params against a schema and fixes everything a partition needs. */
  private BatchPlan plan(StructType schema) {
    String who = "DerivativeTransformer " + uid;
    SpecSource src = getSpecSource();
    SafetyConf safety = SafetyConf.current();
    CompiledSpec cs;
    try {
      cs = SpecCache.get(src, safety);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(who + ": the spec does not compile: " + e.getMessage(), e);
    }
    String m = getMode();
    String b = getBackend();
    Operation op = Operation.parse(m);
    String in = require(getInputCol(), "inputCol", "setInputCol(column)");
    requireArrayColumn(schema, in, "input", who);
    String tangent = null;
    if (op.extraWidth(1, 1) > 0) {
      tangent = require(getTangentCol(), "tangentCol", "setTangentCol(column) for mode " + m);
      requireArrayColumn(schema, tangent, op == Operation.JVP ? "tangent" : "cotangent", who);
    }
    String out = getOutputCol();
    for (String name : schema.fieldNames()) {
      if (name.equalsIgnoreCase(out)) {
        throw new IllegalArgumentException(who + ": output column '" + out + "' already exists; "
            + "choose another name with setOutputCol");
      }
    }
    boolean matrix = cs.matrixRows(op) > 0;
    StructType outSchema = schema.add(out, matrix ? SparkInternals.MATRIX : SparkInternals.VECTOR, true);
    BatchPlan p = new BatchPlan(who, src, safety, m, b, in, tangent, getBatchSize(), outSchema);
    return p.checked(cs);
  }

  private String require(String value, String param, String how) {
    if (value == null) {
      throw new IllegalArgumentException("DerivativeTransformer " + uid + ": param " + param + " is not set; use " + how);
    }
    return value;
  }

  /** Checks that column {@code name} exists and holds arrays of numbers. */
  private static void requireArrayColumn(StructType schema, String name, String role, String who) {
    int idx;
    try {
      idx = schema.fieldIndex(name);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(who + ": " + role + " column '" + name + "' does not exist; the columns are "
          + String.join(", ", schema.fieldNames()));
    }
    StructField f = schema.fields()[idx];
    DataType t = f.dataType();
    if (!(t instanceof ArrayType a) || !(a.elementType() instanceof NumericType)) {
      throw new IllegalArgumentException(who + ": " + role + " column '" + name + "' must be an array of numbers "
          + "(array<double>), but it is " + t.simpleString());
    }
  }
}
