package io.batchjac.udfs;

import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.SparkSessionExtensionsProvider;
import scala.runtime.BoxedUnit;

/**
 * Installs the SQL functions {@code jacobian}, {@code gradient}, {@code jvp}, {@code vjp},
 * {@code hessian} and {@code evaluate} in every session of an application.
 *
 * <p>Spark finds it by itself: the udfs jar declares it in
 * {@code META-INF/services/org.apache.spark.sql.SparkSessionExtensionsProvider}, so putting the
 * jar on the class path ({@code --jars}, {@code --packages}, a Connect server's class path) is
 * enough. Naming it also works, as before:
 * <pre>
 *   --conf spark.sql.extensions=io.batchjac.udfs.BatchjacExtensions
 * </pre>
 * or from code {@code SparkSession.builder().withExtensions(new BatchjacExtensions())}. Applied
 * twice (the service entry and the conf), it registers the same functions again without a
 * warning. See {@link BatchjacFunctions#register} for a session that already exists.
 */
public final class BatchjacExtensions implements SparkSessionExtensionsProvider {
  public BatchjacExtensions() {}

  @Override
  public BoxedUnit apply(SparkSessionExtensions extensions) {
    SparkInternals.inject(extensions);
    return BoxedUnit.UNIT;
  }
}
