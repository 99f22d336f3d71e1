package io.batchjac.udfs;

import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/**
 * The SQL functions of batchjac, registered on an existing session in one line:
 * <pre>{@code
 *   BatchjacFunctions.register(spark);
 *   spark.sql("SELECT gradient('conf/examples/borehole.fn', x) FROM samples");
 * }</pre>
 *
 * <ul>
 *   <li>{@code jacobian(spec, x)} -> array&lt;array&lt;double&gt;&gt; (M rows of N)</li>
 *   <li>{@code gradient(spec, x)} -> array&lt;double&gt; (N; f with one output value)</li>
 *   <li>{@code jvp(spec, x, u)} -> array&lt;double&gt; (M)</li>
 *   <li>{@code vjp(spec, x, v)} -> array&lt;double&gt; (N)</li>
 *   <li>{@code hessian(spec, x)} -> array&lt;array&lt;double&gt;&gt; (N x N; one output value)</li>
 *   <li>{@code evaluate(spec, x)} -> array&lt;double&gt; (M)</li>
 * </ul>
 *
 * {@code spec} is a path to a {@code .fn} file or an inline spec; it is compiled once per JVM
 * ({@link SpecCache}). With the udfs jar on the class path every session has the functions
 * already ({@link BatchjacExtensions}, loaded through the jar's service entry);
 * {@link #register} is for a session made before the jar was there, and holds for that session
 * (and sessions cloned from it). Registering again is harmless and silent. The DataFrame API is
 * {@link functions}. See {@code docs/sql.md}.
 */
public final class BatchjacFunctions {
  private BatchjacFunctions() {}

  /** Registers the six functions in {@code spark}'s function registry (replacing other same-named ones). */
  public static void register(SparkSession spark) {
    if (!(spark instanceof org.apache.spark.sql.classic.SparkSession classic)) {
      throw new IllegalArgumentException("BatchjacFunctions.register needs a classic (non-Connect) SparkSession; "
          + "with Spark Connect start the server with --conf spark.sql.extensions="
          + BatchjacExtensions.class.getName());
    }
    SparkInternals.register(classic.sessionState().functionRegistry());
  }

  /** The SQL names of the functions. */
  public static List<String> names() {
    return Arrays.stream(SqlFunction.values()).map(SqlFunction::sqlName).toList();
  }
}
