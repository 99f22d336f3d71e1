package io.batchjac.udfs;

import java.io.Serializable;

/**
 * What one SQL function does to one row, without any Spark type: the spec (a string, or the
 * {@link SpecSource} fixed when the query was analyzed), x and the optional tangent/cotangent in,
 * {@code double[]} or {@code double[][]} out.
 *
 * <p>The compiled spec is looked up once per instance (Spark deserializes one instance per task)
 * and again only when the spec string changes from one row to the next, so the per-row cost is
 * the engine's run of the already compiled plans.
 *
 * <p>Rules: a null spec, x or vector gives null; x must have N values and the vector N (jvp) or
 * M (vjp); a null element is an error naming its position; NaN values flow through. A spec whose
 * result per row exceeds the operator's limit ({@link SafetyConf}) is an error before the row is
 * computed (checked once per distinct spec string and task).
 */
public final class RowFunction implements Serializable {
  private static final long serialVersionUID = 1L;

  private final SqlFunction function;
  private final SpecSource fixed;
  private final SafetyConf safety;

  private transient volatile Current current;

  private record Current(String spec, CompiledSpec compiled) {}

  /**
   * @param fixed the spec resolved on the driver when the spec argument is a constant (so that
   *     executors need not read the .fn file), or null to resolve each row's spec string
   * @param safety the operator's file policy and limits the query was analyzed under: a row's
   *     spec string is resolved, and every row's result size checked, under them
   */
  public RowFunction(SqlFunction function, SpecSource fixed, SafetyConf safety) {
    this.function = function;
    this.fixed = fixed;
    this.safety = safety;
  }

  public SqlFunction function() {
    return function;
  }

  /** Computes one row; x and vec are {@code double[]} or object arrays of numbers (or null). */
  public Object apply(String spec, Object x, Object vec) {
    if (spec == null || x == null || (function.arity() == 3 && vec == null)) {
      return null;
    }
    CompiledSpec cs = compiled(spec);
    double[] xs = values(x, "x");
    double[] vs = function.arity() == 3 ? values(vec, function.vectorName()) : null;
    double[] out = block(cs, xs, vs);
    int rows = function.matrixRows(cs);
    return rows == 0 ? out : SqlFunction.rows(out, rows, out.length / rows);
  }

  /** True when the spec was fixed when the query was analyzed: {@link #compiled} then ignores its argument. */
  public boolean fixedSpec() {
    return fixed != null;
  }

  /**
   * One row's per-sample block ({@link SqlFunction#block}) after checking the lengths: x must
   * have N values, {@code vs} (jvp, vjp; else null) N or M.
   */
  public double[] block(CompiledSpec cs, double[] xs, double[] vs) {
    int n = cs.inputSize();
    if (xs.length != n) {
      throw new IllegalArgumentException(lengthMessage(cs, "x", xs.length, n, true));
    }
    if (vs != null) {
      int want = function.vectorLength(cs);
      if (vs.length != want) {
        throw new IllegalArgumentException(lengthMessage(cs, function.vectorName(), vs.length, want,
            function == SqlFunction.JVP));
      }
    }
    return function.block(cs, xs, vs);
  }

  /**
   * The compiled spec of a row whose spec string is {@code spec} (the fixed one when there is
   * one), checked for this function (one output value, result size): looked up again only when
   * the string changes from one row to the next.
   */
  public CompiledSpec compiled(String spec) {
    Current c = current;
    if (c != null && (fixed != null || c.spec() == spec || c.spec().equals(spec))) {
      return c.compiled();
    }
    CompiledSpec cs = SpecCache.get(fixed != null ? fixed : SpecSource.resolve(spec, safety), safety);
    function.check(cs);
    function.checkResultSize(cs, safety);
    current = new Current(spec, cs);
    return cs;
  }

  /** The message for an array of the wrong length, naming the function, both lengths and the position. */
  String lengthMessage(CompiledSpec cs, String arg, int actual, int expected, boolean inputs) {
    return function.sqlName() + ": " + arg + " has " + actual + (actual == 1 ? " value" : " values")
        + cs.lengthProblem(actual, expected, inputs);
  }

  /** The error for a null element at {@code index} (0-based) of argument {@code arg}. */
  IllegalArgumentException nullValue(String arg, int index) {
    return new IllegalArgumentException(function.sqlName() + ": " + arg + " has a null value at position "
        + (index + 1) + " (positions count from 1); use NaN for a missing value, or filter the row out");
  }

  /** An array argument as doubles; a null element is an error naming its position. */
  double[] values(Object array, String arg) {
    if (array instanceof double[] d) {
      return d;
    }
    if (array instanceof Object[] o) {
      double[] d = new double[o.length];
      for (int i = 0; i < o.length; i++) {
        Object e = o[i];
        if (e == null) {
          throw nullValue(arg, i);
        }
        d[i] = ((Number) e).doubleValue();
      }
      return d;
    }
    throw new IllegalArgumentException(function.sqlName() + ": " + arg + " must be an array of numbers, got "
        + array.getClass().getSimpleName());
  }
}
