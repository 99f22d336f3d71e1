package io.batchjac.it;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Where the integration tests find things and how they start JVMs. The values come from system
 * properties that the failsafe configuration in {@code integration-tests/pom.xml} sets:
 * {@code batchjac.appJar} (the shaded spark-submit jar built by the jobs module),
 * {@code batchjac.clusterClasspath} (a file with the module's test class path),
 * {@code batchjac.jvmOptions} (the JVM options Spark needs on Java 17),
 * {@code batchjac.workDir}, {@code batchjac.udfsJar} (the shaded SQL-functions jar) and the Spark
 * Connect client program's {@code batchjac.connectClientClasses} and
 * {@code batchjac.connectClientClasspath}.
 */
final class ClusterEnv {
  private ClusterEnv() {}

  static Path appJar() {
    Path jar = Path.of(required("batchjac.appJar"));
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException("the application jar " + jar + " is missing: run `mvn verify` from the root");
    }
    return jar;
  }

  /** The shaded udfs jar ({@code -spark.jar}): what a cluster adds to get the SQL functions. */
  static Path udfsJar() {
    return existing("batchjac.udfsJar");
  }

  /** The compiled Spark Connect client program (module integration-tests/connect-client). */
  static Path connectClientClasses() {
    return existing("batchjac.connectClientClasses");
  }

  /** The client program's class path: spark-connect-client-jvm, batchjac-udfs, and theirs. */
  static String connectClientClasspath() {
    try {
      return Files.readString(existing("batchjac.connectClientClasspath")).strip();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Path existing(String key) {
    Path p = Path.of(required(key));
    if (!Files.exists(p)) {
      throw new IllegalStateException(p + " (" + key + ") is missing: run `mvn verify` from the root");
    }
    return p;
  }

  static Path workDir() {
    return Path.of(required("batchjac.workDir")).toAbsolutePath();
  }

  /** The checkout's root (where conf/examples lives). */
  static Path repoRoot() {
    Path dir = Path.of("").toAbsolutePath();
    while (dir != null && !Files.isDirectory(dir.resolve("conf").resolve("examples"))) {
      dir = dir.getParent();
    }
    if (dir == null) {
      throw new IllegalStateException("conf/examples not found above " + Path.of("").toAbsolutePath());
    }
    return dir;
  }

  static Path example(String name) {
    return repoRoot().resolve("conf").resolve("examples").resolve(name);
  }

  /** Every entry of the module's test class path: Spark, batchjac's own modules, test libraries. */
  static List<String> fullClasspath() {
    try {
      String text = Files.readString(Path.of(required("batchjac.clusterClasspath"))).strip();
      return List.of(text.split(java.io.File.pathSeparator));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The class path without batchjac's own modules: what a cluster that knows nothing of batchjac
   * has (Spark and its dependencies), so that a submitted job runs from the application jar alone.
   */
  static String sparkClasspath() {
    Path root = repoRoot();
    Path m2 = Path.of(System.getProperty("user.home"), ".m2", "repository", "io", "batchjac");
    List<String> kept = new ArrayList<>();
    for (String e : fullClasspath()) {
      Path p = Path.of(e).toAbsolutePath();
      if (!p.startsWith(root) && !p.startsWith(m2)) {
        kept.add(e);
      }
    }
    return String.join(java.io.File.pathSeparator, kept);
  }

  /** {@code java <Spark's JVM options> -cp CP} with the java of this JVM. */
  static List<String> javaCommand(String classpath) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(Arrays.stream(required("batchjac.jvmOptions").trim().split("\\s+")).toList());
    cmd.add("-cp");
    cmd.add(classpath);
    return cmd;
  }

  /**
   * The environment of every cluster JVM: an empty {@code SPARK_HOME} (no distribution exists),
   * the Scala version Spark needs to build executor commands, and 127.0.0.1 only.
   */
  static Map<String, String> sparkEnvironment() {
    Path home = workDir().resolve("spark-home");
    try {
      Files.createDirectories(home.resolve("jars"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Map<String, String> env = new LinkedHashMap<>();
    env.put("SPARK_HOME", home.toString());
    env.put("SPARK_SCALA_VERSION", "2.13");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    env.put("OPENBLAS_NUM_THREADS", "1");
    env.put("JAVA_HOME", System.getProperty("java.home"));
    return env;
  }

  static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  private static String required(String key) {
    String v = System.getProperty(key);
    if (v == null || v.isBlank()) {
      throw new IllegalStateException("system property " + key + " is not set: run the integration tests through `mvn verify`");
    }
    return v;
  }
}
