package io.batchjac.it;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spark Connect server in its own JVM, as a platform team would run one: Spark's
 * {@code SparkConnectServer} on {@code local[2]}, gRPC bound to 127.0.0.1 on a free port, with
 * Spark's class path plus the shaded batchjac-udfs jar and nothing else. The functions come from
 * the jar's service entry ({@code spark.sql.extensions} is not set). Log (WARN and up) in
 * {@code target/it-work/<name>/server.log}. {@link #close} stops it by PID (SIGTERM, then kill
 * after 20 s); a shutdown hook does the same if the test JVM dies first.
 */
final class ConnectServer implements AutoCloseable {
  private final Process process;
  private final int port;
  private final Path log;
  private final Thread hook;

  private ConnectServer(Process process, int port, Path log) {
    this.process = process;
    this.port = port;
    this.log = log;
    this.hook = new Thread(this::stop, "stop connect server");
  }

  /** Starts the server and returns once it accepts connections (at most {@code timeout}). */
  static ConnectServer start(String name, Duration timeout) throws IOException, InterruptedException {
    Path dir = ClusterEnv.workDir().resolve(name);
    ClusterEnv.deleteRecursively(dir);
    Files.createDirectories(dir);
    int port = SparkCluster.freePort();
    String cp = ClusterEnv.sparkClasspath() + java.io.File.pathSeparator + ClusterEnv.udfsJar();
    List<String> cmd = new ArrayList<>(ClusterEnv.javaCommand(cp));
    cmd.addAll(List.of("-Xmx1g",
        "-Dlog4j2.configurationFile=" + ClusterEnv.repoRoot().resolve("conf").resolve("log4j2.properties"),
        "-Dspark.master=local[2]",
        "-Dspark.app.name=batchjac-connect-it",
        "-Dspark.connect.grpc.binding.address=127.0.0.1",
        "-Dspark.connect.grpc.binding.port=" + port,
        "-Dspark.ui.enabled=false",
        "-Dspark.driver.host=127.0.0.1",
        "-Dspark.driver.bindAddress=127.0.0.1",
        "-Dspark.sql.shuffle.partitions=2",
        // specs from Connect clients are data: they may read the examples and the ONNX fixtures only
        "-Dspark.batchjac.files.allowed=" + ClusterEnv.repoRoot().resolve("conf/examples") + ","
            + ClusterEnv.repoRoot().resolve("engine/src/test/resources/onnx"),
        "org.apache.spark.sql.connect.service.SparkConnectServer"));
    Path log = dir.resolve("server.log");
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(ClusterEnv.sparkEnvironment());
    ConnectServer server = new ConnectServer(pb.start(), port, log);
    Runtime.getRuntime().addShutdownHook(server.hook);
    try {
      server.awaitListening(timeout);
      return server;
    } catch (IOException | InterruptedException | RuntimeException e) {
      server.close();
      throw e;
    }
  }

  /** {@code sc://127.0.0.1:PORT}. */
  String url() {
    return "sc://127.0.0.1:" + port;
  }

  String log() throws IOException {
    return Files.readString(log);
  }

  Path logFile() {
    return log;
  }

  @Override
  public String toString() {
    return "Connect server at " + url() + ", log " + log;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  private void awaitListening(Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IllegalStateException("the Connect server exited with status " + process.exitValue() + ":\n" + log());
      }
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException notYet) {
        Thread.sleep(250);
      }
    }
    throw new IllegalStateException("the Connect server did not listen on " + port + " within " + timeout + ":\n" + log());
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private void stop() {
    ProcessTrees.stop(List.of(process), Duration.ofSeconds(20));
  }
}
