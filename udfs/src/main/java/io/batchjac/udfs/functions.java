package io.batchjac.udfs;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Column;

/**
 * The SQL functions of batchjac for the DataFrame API, from Java or Scala, in a classic session
 * or through a Spark Connect client:
 * <pre>{@code
 *   import static io.batchjac.udfs.functions.gradient;
 *   df.select(gradient("conf/examples/borehole.fn", col("x")).as("g"));
 * }</pre>
 * Scala: {@code import io.batchjac.udfs.functions._} (or {@code io.batchjac.udfs.functions.jacobian}
 * qualified, beside Spark's own {@code functions}).
 *
 * <p>Each method returns {@code call_function(name, ...)} of the function of that name
 * ({@code docs/sql.md} has their contracts and layouts): this class uses only Spark's public
 * Column API, so a Connect client needs nothing of Spark's server side to use it, and the session
 * that runs the query must have the functions (the batchjac-udfs jar on its class path is enough,
 * see {@link BatchjacExtensions}).
 *
 * <p>{@code spec} is a path to a {@code .fn} or {@code .onnx} file (read where the query is
 * analyzed: the driver, or the Connect server), or an inline spec such as
 * {@code "input x[2]; output x[0] * cos(x[1])"}; the {@code String} overloads take it as that
 * text (a literal), never as a column name. {@code x} is array&lt;double&gt; of the N input
 * values (other numeric arrays are cast); a null argument gives a null result.
 */
public final class functions {
  private functions() {}

  /** {@code jacobian(spec, x)}: array&lt;array&lt;double&gt;&gt;, M rows of N. */
  public static Column jacobian(Column spec, Column x) {
    return call_function("jacobian", spec, x);
  }

  /** {@code jacobian(spec, x)} with the spec as text (a path or an inline spec). */
  public static Column jacobian(String spec, Column x) {
    return jacobian(lit(spec), x);
  }

  /** {@code gradient(spec, x)}: array&lt;double&gt;, N values; the spec has one output value. */
  public static Column gradient(Column spec, Column x) {
    return call_function("gradient", spec, x);
  }

  /** {@code gradient(spec, x)} with the spec as text. */
  public static Column gradient(String spec, Column x) {
    return gradient(lit(spec), x);
  }

  /** {@code jvp(spec, x, u)}: J(x) u, array&lt;double&gt; of M values; {@code u} has N. */
  public static Column jvp(Column spec, Column x, Column u) {
    return call_function("jvp", spec, x, u);
  }

  /** {@code jvp(spec, x, u)} with the spec as text. */
  public static Column jvp(String spec, Column x, Column u) {
    return jvp(lit(spec), x, u);
  }

  /** {@code vjp(spec, x, v)}: J(x)^T v, array&lt;double&gt; of N values; {@code v} has M. */
  public static Column vjp(Column spec, Column x, Column v) {
    return call_function("vjp", spec, x, v);
  }

  /** {@code vjp(spec, x, v)} with the spec as text. */
  public static Column vjp(String spec, Column x, Column v) {
    return vjp(lit(spec), x, v);
  }

  /** {@code hessian(spec, x)}: array&lt;array&lt;double&gt;&gt;, N rows of N; one output value. */
  public static Column hessian(Column spec, Column x) {
    return call_function("hessian", spec, x);
  }

  /** {@code hessian(spec, x)} with the spec as text. */
  public static Column hessian(String spec, Column x) {
    return hessian(lit(spec), x);
  }

  /** {@code evaluate(spec, x)}: f(x), array&lt;double&gt; of M values. */
  public static Column evaluate(Column spec, Column x) {
    return call_function("evaluate", spec, x);
  }

  /** {@code evaluate(spec, x)} with the spec as text. */
  public static Column evaluate(String spec, Column x) {
    return evaluate(lit(spec), x);
  }
}
