package io.batchjac.it;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarOutputStream;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;

/**
 * A real YARN cluster in the test JVM (Hadoop's {@code MiniYARNCluster}: a ResourceManager and one
 * NodeManager, bound to 127.0.0.1, capacity scheduler with one {@code default} queue), and
 * {@code spark-submit --master yarn --deploy-mode cluster} against it from its own JVM, as Spark's
 * own YARN suites do. The driver runs in the ApplicationMaster's container; driver and executors
 * get Spark's class path through {@code extraClassPath} (no Spark distribution exists here:
 * {@code spark.yarn.jars} names an empty jar) and batchjac from the application jar only.
 *
 * <p>The cluster's configuration is written as {@code yarn-site.xml} into a folder that is both
 * {@code YARN_CONF_DIR} and on the submitter's class path. It keeps files under
 * {@code target/test/data} of the working directory and under {@code target/it-work/NAME}.
 */
final class YarnCluster implements AutoCloseable {
  private final MiniYARNCluster cluster;
  private final Path dir;
  private final Path confDir;
  private final Path emptyJar;

  private YarnCluster(MiniYARNCluster cluster, Path dir, Path confDir, Path emptyJar) {
    this.cluster = cluster;
    this.dir = dir;
    this.confDir = confDir;
    this.emptyJar = emptyJar;
  }

  /** Starts the cluster; returns when the ResourceManager has its real address. */
  static YarnCluster start(String name, Duration timeout) throws IOException, InterruptedException {
    Path dir = Checks.freshDir(name);
    YarnConfiguration conf = new YarnConfiguration();
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.set("yarn.scheduler.capacity.root.default.capacity", "100");
    conf.set("yarn.scheduler.capacity.root.default.maximum-capacity", "100");
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.scheduler.capacity.node-locality-delay", "-1");
    // the test machine's disk may be fuller than YARN's default 90% health limit
    conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage", "100.0");
    conf.setBoolean("yarn.nodemanager.vmem-check-enabled", false);
    conf.setBoolean("yarn.nodemanager.pmem-check-enabled", false);
    for (String k : List.of("yarn.resourcemanager.hostname", "yarn.resourcemanager.bind-host",
        "yarn.nodemanager.hostname", "yarn.nodemanager.bind-host")) {
      conf.set(k, "127.0.0.1");
    }
    conf.set("yarn.scheduler.minimum-allocation-mb", "256");
    // container logs are deleted a second after an application ends; stop() then takes ~1 s, not ~18
    conf.set("yarn.nodemanager.log.retain-seconds", "1");
    MiniYARNCluster cluster = new MiniYARNCluster(name, 1, 1, 1);
    cluster.init(conf);
    cluster.start();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (cluster.getConfig().get(YarnConfiguration.RM_ADDRESS, ":0").endsWith(":0")) {
      if (System.nanoTime() > deadline) {
        cluster.stop();
        throw new IllegalStateException("the ResourceManager got no address within " + timeout);
      }
      Thread.sleep(100);
    }
    Path confDir = Files.createDirectories(dir.resolve("conf"));
    try (OutputStream out = Files.newOutputStream(confDir.resolve("yarn-site.xml"))) {
      cluster.getConfig().writeXml(out);
    }
    Path emptyJar = dir.resolve("empty.jar");
    try (JarOutputStream jar = new JarOutputStream(Files.newOutputStream(emptyJar))) {
      // no entries: Spark's class path comes from extraClassPath
    }
    return new YarnCluster(cluster, dir, confDir, emptyJar);
  }

  /**
   * {@code spark-submit --master yarn --deploy-mode cluster --class MAIN <app jar> ARGS} in its own
   * JVM; returns when the application has ended (the submitter waits for it) or fails after
   * {@code timeout}.
   */
  SparkSubmitter.Result submitCluster(String mainClass, List<String> appArgs, Duration timeout)
      throws IOException, InterruptedException {
    String sparkCp = ClusterEnv.sparkClasspath();
    List<String> cmd = new ArrayList<>(ClusterEnv.javaCommand(confDir + java.io.File.pathSeparator + sparkCp));
    cmd.add("-Xmx512m");
    cmd.add("-Dlog4j2.configurationFile=" + ClusterEnv.repoRoot().resolve("conf").resolve("log4j2.properties"));
    cmd.add("org.apache.spark.deploy.SparkSubmit");
    cmd.addAll(List.of("--master", "yarn", "--deploy-mode", "cluster"));
    for (String s : List.of(
        "spark.yarn.jars=local:" + emptyJar,
        "spark.driver.extraClassPath=" + sparkCp,
        "spark.executor.extraClassPath=" + sparkCp,
        "spark.yarn.appMasterEnv.SPARK_LOCAL_IP=127.0.0.1",
        "spark.executorEnv.SPARK_LOCAL_IP=127.0.0.1",
        "spark.yarn.appMasterEnv.OPENBLAS_NUM_THREADS=1",
        "spark.executorEnv.OPENBLAS_NUM_THREADS=1",
        "spark.yarn.stagingDir=" + dir.resolve("staging").toUri(),
        "spark.ui.enabled=false",
        "spark.driver.memory=640m",
        "spark.executor.memory=640m",
        "spark.executor.instances=1",
        "spark.executor.cores=1")) {
      cmd.add("--conf");
      cmd.add(s);
    }
    cmd.addAll(List.of("--class", mainClass, ClusterEnv.appJar().toString()));
    cmd.addAll(appArgs);

    Path out = Files.createTempFile(dir, "submit-stdout", ".txt");
    Path err = Files.createTempFile(dir, "submit-stderr", ".txt");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ClusterEnv.repoRoot().toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile());
    pb.environment().putAll(ClusterEnv.sparkEnvironment());
    pb.environment().put("YARN_CONF_DIR", confDir.toString());
    Process p = pb.start();
    if (!p.waitFor(timeout.toSeconds(), TimeUnit.SECONDS)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError("spark-submit to YARN did not finish within " + timeout + "; stderr:\n"
          + Files.readString(err));
    }
    return new SparkSubmitter.Result(p.exitValue(), Files.readString(out), Files.readString(err), cmd);
  }

  /** The final status the ResourceManager recorded for each application, by application id. */
  List<String> finalStatuses() {
    List<String> out = new ArrayList<>();
    for (RMApp app : cluster.getResourceManager().getRMContext().getRMApps().values()) {
      FinalApplicationStatus s = app.getFinalApplicationStatus();
      out.add(app.getApplicationId() + " " + s);
    }
    out.sort(null);
    return out;
  }

  @Override
  public void close() {
    cluster.stop();
  }
}
