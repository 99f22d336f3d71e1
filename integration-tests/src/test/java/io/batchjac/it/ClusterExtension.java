package io.batchjac.it;

import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link SparkCluster} per test class (a Master and two one-core Workers), and optionally a
 * driver session in the test JVM on it ({@link ClusterSession}), started before the class's
 * first test and stopped after its last, even when tests fail:
 * <pre>{@code
 *   @RegisterExtension
 *   static final ClusterExtension CLUSTER = ClusterExtension.withDriverSession("fault-it");
 * }</pre>
 */
final class ClusterExtension implements BeforeAllCallback, AfterAllCallback {
  private final String name;
  private final boolean driverSession;
  private final java.util.function.Supplier<java.util.Map<String, String>> sessionConf;
  private SparkCluster cluster;
  private SparkSession spark;

  private ClusterExtension(String name, boolean driverSession,
      java.util.function.Supplier<java.util.Map<String, String>> sessionConf) {
    this.name = name;
    this.driverSession = driverSession;
    this.sessionConf = sessionConf;
  }

  private ClusterExtension(String name, boolean driverSession) {
    this(name, driverSession, java.util.Map::of);
  }

  /**
   * A cluster and a driver session started with the application confs {@code conf} gives (asked
   * for when the session starts, after the class's static set-up).
   */
  static ClusterExtension withDriverSession(String name, java.util.function.Supplier<java.util.Map<String, String>> conf) {
    return new ClusterExtension(name, true, conf);
  }

  /** A cluster only: the tests submit applications to it. */
  static ClusterExtension clusterOnly(String name) {
    return new ClusterExtension(name, false);
  }

  /** A cluster and a session in this JVM whose executors run on it. */
  static ClusterExtension withDriverSession(String name) {
    return new ClusterExtension(name, true);
  }

  SparkCluster cluster() {
    return cluster;
  }

  SparkSession spark() {
    if (spark == null) {
      throw new IllegalStateException("no driver session: use ClusterExtension.withDriverSession");
    }
    return spark;
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    cluster = SparkCluster.start(name, 2, 1);
    if (driverSession) {
      spark = ClusterSession.open(cluster, context.getRequiredTestClass().getSimpleName(), sessionConf.get());
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (spark != null) {
        spark.stop();
      }
    } finally {
      spark = null;
      if (cluster != null) {
        cluster.close();
      }
    }
  }
}
