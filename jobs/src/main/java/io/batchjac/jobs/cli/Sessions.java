package io.batchjac.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import io.batchjac.udfs.SafetyConf;
import io.batchjac.jobs.core.ExecutorBlasEnvironment;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * Starts the Spark session of a CLI run: the given master (embedded {@code local[*]} by
 * default) and the settings of {@code conf/spark-defaults.conf} (found through the
 * {@code batchjac.home} system property that {@code bin/batchjac} sets), e.g. the console
 * progress bar and no limit on the size of results the driver receives block by block; and the
 * executors' OpenBLAS kernel set ({@link ExecutorBlasEnvironment}). The command line is the
 * operator's own: its SQL specs may read any file ({@code spark.batchjac.files.allowed=*})
 * unless that conf is set (system property or {@code spark-defaults.conf}); the SQL limits keep
 * their defaults.
 */
final class Sessions {
  private Sessions() {}

  /** A session and whether this run started it (and so must stop it). */
  record Handle(SparkSession spark, boolean owned) implements AutoCloseable {
    @Override
    public void close() {
      if (owned) {
        spark.stop();
      }
    }
  }

  /**
   * The session to run in: an already active one (tests, spark-submit, an embedding application:
   * reused as it is and left running), else a new one for this run.
   */
  static Handle open(String master, String appName) throws IOException {
    scala.Option<SparkSession> active = SparkSession.getActiveSession();
    if (active.isEmpty()) {
      active = SparkSession.getDefaultSession();
    }
    if (active.isDefined() && !active.get().sparkContext().isStopped()) {
      return new Handle(active.get(), false);
    }
    return new Handle(start(master, appName), true);
  }

  static SparkSession start(String master, String appName) throws IOException {
    SparkConf configured = new SparkConf();
    SparkSession.Builder b = SparkSession.builder()
        .appName(appName)
        .master(master == null ? "local[*]" : master)
        .config("spark.ui.showConsoleProgress", "true")
        .config("spark.driver.maxResultSize", "0")
        .config("spark.task.maxDirectResultSize", "64m");
    if (System.getProperty(SafetyConf.FILES_ALLOWED) == null) {
      // the operator's own queries (bin/batchjac sql) may read any file, unless told otherwise
      b.config(SafetyConf.FILES_ALLOWED, "*");
    }
    String home = System.getProperty("batchjac.home");
    if (home != null) {
      Path defaults = Path.of(home, "conf", "spark-defaults.conf");
      if (Files.exists(defaults)) {
        for (String line : Files.readAllLines(defaults)) {
          String t = line.strip();
          if (t.isEmpty() || t.startsWith("#")) {
            continue;
          }
          String[] kv = t.split("\\s+", 2);
          if (kv.length == 2) {
            b.config(kv[0], kv[1].strip());
            configured.set(kv[0], kv[1].strip());
          }
        }
      }
    }
    return ExecutorBlasEnvironment.apply(b, configured).getOrCreate();
  }
}
