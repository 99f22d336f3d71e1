package io.batchjac.it;

import org.apache.spark.sql.SparkSession;

/**
 * A Spark session in the test JVM (the driver) whose executors run on a {@link SparkCluster}:
 * the CLI's {@code Main} then reuses it, so a test drives real distributed jobs without a
 * spark-submit JVM per case. The executors get the module's whole class path (batchjac's
 * modules included) because the driver's classes are not in a jar they could fetch.
 */
final class ClusterSession {
  private ClusterSession() {}

  static SparkSession open(SparkCluster cluster, String appName) {
    return open(cluster, appName, java.util.Map.of());
  }

  /** As {@link #open(SparkCluster, String)}, with {@code extra} application confs (set before the session starts). */
  static SparkSession open(SparkCluster cluster, String appName, java.util.Map<String, String> extra) {
    SparkSession.Builder b = SparkSession.builder();
    extra.forEach(b::config);
    return b
        .appName(appName)
        .master(cluster.masterUrl())
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1")
        .config("spark.executor.extraClassPath", String.join(java.io.File.pathSeparator, ClusterEnv.fullClasspath()))
        .config("spark.executor.memory", "640m")
        .config("spark.ui.enabled", "false")
        .config("spark.driver.maxResultSize", "0")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate();
  }
}
