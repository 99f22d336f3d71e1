package io.batchjac.udfs;

import org.apache.spark.sql.SparkSessionExtensions;
import scala.Function1;
import scala.runtime.BoxedUnit;

/**
 * Installs the SQL functions {@code jacobian}, {@code gradient}, {@code jvp}, {@code vjp},
 * {@code hessian} and {@code evaluate} in every session of an application:
 * <pre>
 *   --conf spark.sql.extensions=io.batchjac.udfs.BatchjacExtensions
 * </pre>
 * (spark-submit, spark-shell, spark-sql, the Thrift server, PySpark), or from code with
 * {@code SparkSession.builder().withExtensions(new BatchjacExtensions())}. See
 * {@link BatchjacFunctions#register} for a session that already exists.
 */
public final class BatchjacExtensions implements Function1<SparkSessionExtensions, BoxedUnit> {
  public BatchjacExtensions() {}

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    SparkInternals.inject(extensions);
    return BoxedUnit.UNIT;
  }
}
