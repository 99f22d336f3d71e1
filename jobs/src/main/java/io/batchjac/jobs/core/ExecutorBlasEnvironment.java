package io.batchjac.jobs.core;

import io.batchjac.engine.exec.OpenBlasCoretype;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The OpenBLAS kernel set of the executors: {@code spark.executorEnv.OPENBLAS_CORETYPE}, set on
 * a session about to start unless the user configured it (with {@code --conf}, a properties file
 * or the builder). The value is the driver's: its own {@code OPENBLAS_CORETYPE} when set (by the
 * user or by {@code bin/batchjac}), else {@link OpenBlasCoretype}'s choice for the driver's CPU,
 * which assumes the executors run on the same kind of CPU (set the property by hand on a
 * cluster of mixed CPUs). Nothing is set when neither applies.
 */
public final class ExecutorBlasEnvironment {
  /** The Spark property that sets the variable in every executor's environment. */
  public static final String PROPERTY = "spark.executorEnv." + OpenBlasCoretype.VARIABLE;

  private ExecutorBlasEnvironment() {}

  /**
   * The value to set, given the configuration so far ({@code configured}: e.g. {@code new
   * SparkConf()}, which holds spark-submit's {@code --conf}s) and the driver's choice: empty when
   * the property is configured or there is no choice.
   */
  public static Optional<String> value(SparkConf configured, Optional<String> driverChoice) {
    return configured.contains(PROPERTY) ? Optional.empty() : driverChoice;
  }

  /** Adds the property to {@code builder} when {@link #value} gives one for this driver. */
  public static SparkSession.Builder apply(SparkSession.Builder builder, SparkConf configured) {
    value(configured, OpenBlasCoretype.forChildren()).ifPresent(v -> builder.config(PROPERTY, v));
    return builder;
  }
}
