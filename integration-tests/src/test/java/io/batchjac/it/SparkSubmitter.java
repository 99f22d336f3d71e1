package io.batchjac.it;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@code spark-submit} (Spark's {@code SparkSubmit} main, in client mode, in its own JVM) of
 * the shaded application jar against a {@link SparkCluster}. The submitting JVM and the executors
 * get Spark's class path only: batchjac's classes come from the application jar, as on a real
 * cluster.
 */
final class SparkSubmitter {
  private SparkSubmitter() {}

  /** What a submitted application returned and printed. */
  record Result(int status, String out, String err, List<String> command) {
    @Override
    public String toString() {
      return "spark-submit exited with " + status + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  /**
   * Submits {@code mainClass} of the application jar with {@code appArgs}; {@code conf} are extra
   * {@code key=value} settings. Waits at most {@code timeout}.
   */
  static Result submit(SparkCluster cluster, List<String> conf, String mainClass, List<String> appArgs,
      Duration timeout) throws IOException, InterruptedException {
    String sparkCp = ClusterEnv.sparkClasspath();
    List<String> cmd = new ArrayList<>(ClusterEnv.javaCommand(sparkCp));
    cmd.add("-Xmx768m");
    // In client mode the driver is this JVM: the quiet console of conf/log4j2.properties, as the
    // README's spark-submit line sets with --driver-java-options.
    cmd.add("-Dlog4j2.configurationFile=" + ClusterEnv.repoRoot().resolve("conf").resolve("log4j2.properties"));
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", cluster.masterUrl(), "--deploy-mode", "client"));
    List<String> settings = new ArrayList<>(List.of(
        "spark.driver.host=127.0.0.1",
        "spark.driver.bindAddress=127.0.0.1",
        "spark.executor.extraClassPath=" + sparkCp,
        "spark.executor.memory=640m",
        "spark.ui.enabled=false",
        "spark.driver.maxResultSize=0"));
    settings.addAll(conf);
    for (String s : settings) {
      cmd.add("--conf");
      cmd.add(s);
    }
    cmd.addAll(List.of("--class", mainClass, ClusterEnv.appJar().toString()));
    cmd.addAll(appArgs);

    Path dir = Files.createDirectories(ClusterEnv.workDir().resolve("submit"));
    Path out = Files.createTempFile(dir, "stdout", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .directory(ClusterEnv.repoRoot().toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().putAll(ClusterEnv.sparkEnvironment());
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("spark-submit did not finish within " + timeout + "; stderr:\n" + Files.readString(err));
    }
    return new Result(p.exitValue(), Files.readString(out), Files.readString(err), cmd);
  }
}
