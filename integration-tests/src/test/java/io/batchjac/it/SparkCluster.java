package io.batchjac.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster for the tests: one Master and {@code workers} Workers, each in
 * its own JVM started from the Maven test class path, bound to 127.0.0.1 on free ports, with
 * logs under {@code target/it-work/<name>/}. {@link #start} returns when every Worker has
 * registered; {@link #close} stops every process it started (executors included) by PID, and a
 * shutdown hook does the same if the test JVM dies first.
 *
 * <p>No Spark distribution exists here: {@code SPARK_HOME} is a folder with an empty
 * {@code jars/}, and executors get the class path through {@code spark.executor.extraClassPath}
 * (see {@link ClusterEnv}).
 */
final class SparkCluster implements AutoCloseable {
  private final Path dir;
  private final int masterPort;
  private final int masterUiPort;
  private final List<Process> processes = new ArrayList<>();
  private final Thread hook = new Thread(this::destroyAll, "stop spark cluster");

  private SparkCluster(Path dir, int masterPort, int masterUiPort) {
    this.dir = dir;
    this.masterPort = masterPort;
    this.masterUiPort = masterUiPort;
  }

  /** Starts a Master and {@code workers} Workers of {@code coresEach} cores and 1 GiB each. */
  static SparkCluster start(String name, int workers, int coresEach) throws IOException, InterruptedException {
    Path dir = ClusterEnv.workDir().resolve(name);
    ClusterEnv.deleteRecursively(dir);
    Files.createDirectories(dir);
    SparkCluster c = new SparkCluster(dir, freePort(), freePort());
    Runtime.getRuntime().addShutdownHook(c.hook);
    try {
      c.launch("master", "org.apache.spark.deploy.master.Master",
          "--host", "127.0.0.1", "--port", String.valueOf(c.masterPort), "--webui-port", String.valueOf(c.masterUiPort));
      c.awaitAliveWorkers(0, Duration.ofSeconds(60));
      for (int w = 0; w < workers; w++) {
        Path workDir = Files.createDirectories(dir.resolve("worker-" + w + "-work"));
        c.launch("worker-" + w, "org.apache.spark.deploy.worker.Worker",
            "--host", "127.0.0.1", "--cores", String.valueOf(coresEach), "--memory", "1g",
            "--webui-port", String.valueOf(freePort()), "--work-dir", workDir.toString(), c.masterUrl());
      }
      c.awaitAliveWorkers(workers, Duration.ofSeconds(90));
      return c;
    } catch (IOException | InterruptedException | RuntimeException e) {
      c.close();
      throw e;
    }
  }

  String masterUrl() {
    return "spark://127.0.0.1:" + masterPort;
  }

  /** The executor JVMs that the Workers (launched by this class) have started. */
  List<ProcessHandle> executorProcesses() {
    List<ProcessHandle> out = new ArrayList<>();
    for (Process p : processes) {
      p.descendants()
          .filter(h -> commandLine(h).contains("CoarseGrainedExecutorBackend"))
          .forEach(out::add);
    }
    return out;
  }

  private void launch(String name, String mainClass, String... args) throws IOException {
    List<String> cmd = new ArrayList<>(ClusterEnv.javaCommand(ClusterEnv.sparkClasspath()));
    // The standalone master's REST submission server would take port 6066 on every interface.
    cmd.add("-Dspark.master.rest.enabled=false");
    cmd.add("-Xmx512m");
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve(name + ".log").toFile());
    pb.environment().putAll(ClusterEnv.sparkEnvironment());
    pb.environment().put("SPARK_WORKER_DIR", dir.resolve(name + "-work").toString());
    pb.environment().put("SPARK_LOCAL_DIRS", Files.createDirectories(dir.resolve(name + "-local")).toString());
    processes.add(pb.start());
  }

  private void awaitAliveWorkers(int n, Duration timeout) throws InterruptedException, IOException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + masterUiPort + "/json/"))
        .timeout(Duration.ofSeconds(5)).build();
    long deadline = System.nanoTime() + timeout.toNanos();
    Pattern alive = Pattern.compile("\"aliveworkers\"\\s*:\\s*(\\d+)");
    String last = "(no answer)";
    while (System.nanoTime() < deadline) {
      for (Process p : processes) {
        if (!p.isAlive()) {
          throw new IllegalStateException("a cluster process exited with status " + p.exitValue() + "; logs in " + dir);
        }
      }
      try {
        last = http.send(req, HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = alive.matcher(last);
        if (m.find() && Integer.parseInt(m.group(1)) >= n) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(250);
    }
    throw new IllegalStateException("the master did not report " + n + " alive workers within " + timeout
        + "; last answer: " + last + "; logs in " + dir);
  }

  @Override
  public void close() {
    destroyAll();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }

  private void destroyAll() {
    ProcessTrees.stop(processes, Duration.ofSeconds(10));
  }

  /**
   * The whole command line of a process, arguments separated by spaces, from /proc (where
   * {@code ProcessHandle.Info} may cut long ones such as a JVM's with a class path).
   */
  static String commandLine(ProcessHandle h) {
    try {
      byte[] raw = Files.readAllBytes(Path.of("/proc", String.valueOf(h.pid()), "cmdline"));
      return new String(raw, java.nio.charset.StandardCharsets.UTF_8).replace('\0', ' ');
    } catch (IOException e) {
      return h.info().commandLine().orElse("");
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The processes started and their descendants, with PIDs and the start of their command lines. */
  String describeProcesses() {
    StringBuilder sb = new StringBuilder();
    for (Process p : processes) {
      Stream.concat(Stream.of(p.toHandle()), p.descendants()).forEach(h -> {
        String cmd = commandLine(h);
        sb.append("\n  pid ").append(h.pid()).append(": ")
            .append(cmd.length() > 300 ? cmd.substring(0, 150) + " ... " + cmd.substring(cmd.length() - 150) : cmd);
      });
    }
    return sb.toString();
  }
}
