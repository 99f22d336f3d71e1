package io.batchjac.udfs;

import io.batchjac.engine.api.Operation;

/**
 * The SQL functions, what each computes for one row, and the text {@code DESCRIBE FUNCTION}
 * prints. Layouts as in {@code docs/sql.md}: N is the spec's total input size, M its total output
 * size.
 */
public enum SqlFunction {
  /** {@code jacobian(spec, x)}: array&lt;array&lt;double&gt;&gt;, M rows of N. */
  JACOBIAN(Operation.JACOBIAN,
      "_FUNC_(spec, x) - Returns the Jacobian of the function `spec` at `x`: M rows of N values, "
          + "row m holding the derivatives of output value m with respect to the N input values.",
      "[[-0.4161468365471424,-0.9092974268256817]]",
      "_FUNC_('input x[2]; output x[0] * cos(x[1])', array(1.0, 2.0))"),
  /** {@code gradient(spec, x)}: array&lt;double&gt; (N), f with one output value. */
  GRADIENT(Operation.GRADIENT,
      "_FUNC_(spec, x) - Returns the gradient (N values) of the function `spec`, which must have "
          + "exactly one output value, at `x`.",
      "[-0.4161468365471424,-0.9092974268256817]",
      "_FUNC_('input x[2]; output x[0] * cos(x[1])', array(1.0, 2.0))"),
  /** {@code jvp(spec, x, u)}: array&lt;double&gt; (M), J(x) u. */
  JVP(Operation.JVP,
      "_FUNC_(spec, x, u) - Returns the Jacobian-vector product J(x) u (M values): the directional "
          + "derivative of the function `spec` at `x` along `u` (forward mode).",
      "[-0.4161468365471424]",
      "_FUNC_('input x[2]; output x[0] * cos(x[1])', array(1.0, 2.0), array(1.0, 0.0))"),
  /** {@code vjp(spec, x, v)}: array&lt;double&gt; (N), J(x)^T v. */
  VJP(Operation.VJP,
      "_FUNC_(spec, x, v) - Returns the vector-Jacobian product J(x)^T v (N values) of the function "
          + "`spec` at `x` for the cotangent `v` (reverse mode).",
      "[-0.8322936730942848,-1.8185948536513634]",
      "_FUNC_('input x[2]; output x[0] * cos(x[1])', array(1.0, 2.0), array(2.0))"),
  /** {@code hessian(spec, x)}: array&lt;array&lt;double&gt;&gt;, N x N, f with one output value. */
  HESSIAN(Operation.HESSIAN,
      "_FUNC_(spec, x) - Returns the Hessian (N rows of N values) of the function `spec`, which must "
          + "have exactly one output value, at `x` (forward over reverse mode).",
      "[[0.0,-0.9092974268256817],[-0.9092974268256817,0.4161468365471424]]",
      "_FUNC_('input x[2]; output x[0] * cos(x[1])', array(1.0, 2.0))"),
  /** {@code evaluate(spec, x)}: array&lt;double&gt; (M), f itself. */
  EVALUATE(Operation.EVALUATE,
      "_FUNC_(spec, x) - Returns the value of the function `spec` at `x`: its M output values, "
          + "flattened and concatenated in declaration order.",
      "[-0.4161468365471424]",
      "_FUNC_('input x[2]; output x[0] * cos(x[1])', array(1.0, 2.0))");

  private final Operation operation;
  private final String sqlName;
  private final String usage;
  private final String exampleResult;
  private final String exampleCall;

  SqlFunction(Operation operation, String usage, String exampleResult, String exampleCall) {
    this.operation = operation;
    this.sqlName = operation.label();
    this.usage = usage;
    this.exampleResult = exampleResult;
    this.exampleCall = exampleCall;
  }

  /** The name in SQL. */
  public String sqlName() {
    return sqlName;
  }

  /** The engine operation this function runs per row: its layout, extra argument and validation. */
  public Operation operation() {
    return operation;
  }

  /** Number of arguments: 2, or 3 for the operations with an extra per-sample argument (jvp, vjp). */
  public int arity() {
    return operation.extraWidth(1, 1) > 0 ? 3 : 2;
  }

  /** True when the result is array&lt;array&lt;double&gt;&gt; (jacobian, hessian): a per-sample matrix. */
  public boolean returnsMatrix() {
    return operation.sampleDims(1, 1).length == 2;
  }

  /** The third argument's name ({@code u} or {@code v}), or null. */
  public String vectorName() {
    return this == JVP ? "u" : this == VJP ? "v" : null;
  }

  /** The {@code _FUNC_(...) - ...} usage line. */
  public String usage() {
    return usage;
  }

  /** The arguments block of {@code DESCRIBE FUNCTION EXTENDED}. */
  public String arguments() {
    StringBuilder sb = new StringBuilder("\n    Arguments:\n");
    sb.append("      * spec - a path to a .fn file or an ONNX model (.onnx), or an inline spec such as\n"
        + "          'input x[2]; output x[0] * cos(x[1])' (statements separated by ';')\n");
    sb.append("      * x - array<double> of the N input values (all inputs flattened row-major and\n"
        + "          concatenated in declaration order); other numeric arrays are cast. A null x\n"
        + "          gives null; a length other than N, or a null element, is an error.\n");
    if (this == JVP) {
      sb.append("      * u - array<double> of N values: the tangent (direction); null gives null.\n");
    } else if (this == VJP) {
      sb.append("      * v - array<double> of M values: the cotangent; null gives null.\n");
    }
    sb.append("      NaN inputs give NaN results, never an error.\n");
    sb.append("      Result: ").append(switch (this) {
      case JACOBIAN -> "array<array<double>>, M rows of N (result[m][n] = d f_m / d x_n).";
      case GRADIENT -> "array<double>, N values.";
      case JVP -> "array<double>, M values.";
      case VJP -> "array<double>, N values.";
      case HESSIAN -> "array<array<double>>, N rows of N.";
      case EVALUATE -> "array<double>, M values.";
    }).append('\n');
    return sb.toString();
  }

  /** The examples block (must contain {@code "    Examples:"}). */
  public String examples() {
    return "\n    Examples:\n      > SELECT " + exampleCall + ";\n       " + exampleResult + "\n  ";
  }

  /** The SQL call of the example (with {@code _FUNC_}). */
  String exampleCall() {
    return exampleCall;
  }

  /** The example's printed result. */
  String exampleResult() {
    return exampleResult;
  }

  // ------------------------------------------------------------------ per-row computation

  /**
   * Checks that the function can be applied to this spec at all (gradient and hessian need one
   * output value); throws {@link IllegalArgumentException} with a message naming the function.
   */
  public void check(CompiledSpec spec) {
    OperationChecks.needsScalar(sqlName, operation, "", spec);
  }

  /**
   * Refuses, before anything runs, a spec whose result per row would exceed the operator's
   * limit ({@link SafetyConf#checkResultValues}): M x N for jacobian, N x N for hessian, M or N
   * for the others.
   */
  public void checkResultSize(CompiledSpec spec, SafetyConf safety) {
    OperationChecks.resultSize(sqlName, operation, spec, safety);
  }

  /** Values the third argument must have: N for jvp, M for vjp. */
  int vectorLength(CompiledSpec spec) {
    return operation.extraWidth(spec.outputSize(), spec.inputSize());
  }

  /**
   * One row: x has N values (checked by the caller), {@code vec} the tangent or cotangent (or
   * null). Returns the operation's per-sample block ({@link Operation}): M or N values, or the
   * (rows, cols) matrix in Fortran order for jacobian (M, N) and hessian (N, N).
   */
  public double[] block(CompiledSpec spec, double[] x, double[] vec) {
    return spec.sqlOp(this).run(CompiledSpec.ONE_THREAD, x, spec.inputSize(), vec, 1);
  }

  /**
   * One row as {@link #block}, the matrices as rows: {@code double[]} or {@code double[][]} as
   * {@link #returnsMatrix()} says.
   */
  public Object compute(CompiledSpec spec, double[] x, double[] vec) {
    double[] out = block(spec, x, vec);
    int rows = matrixRows(spec);
    return rows == 0 ? out : rows(out, rows, out.length / rows);
  }

  /** Rows of the per-sample matrix of {@link #compute} (M for jacobian, N for hessian); 0 for a vector. */
  int matrixRows(CompiledSpec spec) {
    return spec.matrixRows(operation);
  }

  /** A Fortran-order (rows, cols) block as rows. */
  static double[][] rows(double[] f, int rows, int cols) {
    double[][] out = new double[rows][cols];
    for (int c = 0; c < cols; c++) {
      int base = c * rows;
      for (int r = 0; r < rows; r++) {
        out[r][c] = f[base + r];
      }
    }
    return out;
  }

  /** The function of that SQL name (case-insensitive), or null. */
  public static SqlFunction of(String name) {
    for (SqlFunction f : values()) {
      if (f.sqlName.equalsIgnoreCase(name)) {
        return f;
      }
    }
    return null;
  }
}
