package io.batchjac.it;

import static io.batchjac.it.Checks.assertContains;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import io.batchjac.udfs.SafetyConf;
import io.batchjac.udfs.SpecCache;
import io.batchjac.udfs.SpecSource;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Spark Connect end to end: a Connect server in its own JVM (Spark's class path plus the shaded
 * udfs jar, no {@code spark.sql.extensions}: the jar's service entry installs the functions) and a
 * thin client in another JVM (spark-connect-client-jvm and batchjac-udfs only, see
 * integration-tests/connect-client). The client runs SQL on a table, {@code call_function}, the
 * {@code io.batchjac.udfs.functions} API and an ONNX model; every value must equal the in-process
 * engine bit for bit, and errors must reach the client readable.
 */
class ConnectIT {
  private static final int ROWS = 5;
  private static ConnectServer server;
  private static Map<String, String> answers;
  private static double[][] bx;
  private static double[][] mx;
  private static double[][] mu;
  private static double[][] mv;
  private static double[][] ox;
  private static Path borehole;
  private static Path mlp;
  private static Path onnx;

  @BeforeAll
  static void startServerAndRunTheClient() throws Exception {
    long t0 = System.nanoTime();
    Path dir = Checks.freshDir("connect-it");
    server = ConnectServer.start("connect-server", Duration.ofMinutes(4));
    long t1 = System.nanoTime();
    borehole = ClusterEnv.example("borehole.fn");
    mlp = ClusterEnv.example("mlp.fn");
    onnx = ClusterEnv.repoRoot().resolve("engine/src/test/resources/onnx/mlp64.onnx");
    Path samples = writeSamples(dir.resolve("samples.json"));
    Path out = dir.resolve("client-out.tsv");
    Path log = dir.resolve("client.log");
    List<String> cmd = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "-Xmx512m",
        "-cp", ClusterEnv.connectClientClasses() + File.pathSeparator + ClusterEnv.connectClientClasspath(),
        "io.batchjac.connectclient.ConnectQueries", server.url(), samples.toString(), borehole.toString(),
        mlp.toString(), onnx.toString(), out.toString());
    Process client = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
    if (!client.waitFor(6, TimeUnit.MINUTES)) {
      client.destroyForcibly();
      throw new AssertionError("the Connect client did not finish within 6 minutes:\n" + Files.readString(log));
    }
    assertEquals(0, client.exitValue(), () -> "client log:\n" + read(log) + "\nserver log:\n" + read(server.logFile()));
    answers = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out)) {
      int tab = line.indexOf('\t');
      answers.put(line.substring(0, tab), line.substring(tab + 1));
    }
    System.out.printf("ConnectIT: server up in %.1f s, client run %.1f s%n", (t1 - t0) / 1e9,
        (System.nanoTime() - t1) / 1e9);
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  /** JSON lines: id, Borehole inputs, MLP inputs / tangents / cotangents, and the ONNX fixture's x rows. */
  private static Path writeSamples(Path file) throws Exception {
    SplittableRandom r = new SplittableRandom(2026);
    Tensor onnxX = Npy.read(ClusterEnv.repoRoot().resolve("engine/src/test/resources/onnx/mlp64.x.npy")); // (5, 4)
    double[][] ranges = {{0.05, 0.15}, {100, 50000}, {63070, 115600}, {990, 1110}, {63.1, 116}, {700, 820},
        {1120, 1680}, {9855, 12045}};
    bx = new double[ROWS][8];
    mx = new double[ROWS][16];
    mu = new double[ROWS][16];
    mv = new double[ROWS][8];
    ox = new double[ROWS][4];
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < ROWS; i++) {
      for (int n = 0; n < 8; n++) {
        bx[i][n] = ranges[n][0] + (ranges[n][1] - ranges[n][0]) * r.nextDouble();
        mv[i][n] = r.nextDouble(-1, 1);
      }
      for (int n = 0; n < 16; n++) {
        mx[i][n] = r.nextDouble(-2, 2);
        mu[i][n] = r.nextDouble(-1, 1);
      }
      for (int n = 0; n < 4; n++) {
        ox[i][n] = onnxX.get(i, n);
      }
      lines.add("{\"id\": " + i + ", \"bx\": " + json(bx[i]) + ", \"mx\": " + json(mx[i]) + ", \"mu\": " + json(mu[i])
          + ", \"mv\": " + json(mv[i]) + ", \"ox\": " + json(ox[i]) + "}");
    }
    return Files.write(file, lines);
  }

  /** Double.toString is exact on the way back (shortest repr that round-trips). */
  private static String json(double[] v) {
    return java.util.Arrays.stream(v).mapToObj(Double::toString).collect(Collectors.joining(", ", "[", "]"));
  }

  @Test
  void sqlGradientAndJacobianOnATableEqualTheEngineBitwise() {
    Engine e = engine();
    Graph b = trusted(borehole.toString());
    Graph m = trusted(mlp.toString());
    for (int i = 0; i < ROWS; i++) {
      assertEquals(hex(e.gradient(b, Backend.auto(), row(bx[i])).data()), answer("gradient/" + i), "gradient row " + i);
      assertEquals(hexRows(e.batchedJacobian(m, Backend.auto(), row(mx[i])).data(), 8, 16), answer("jacobian/" + i),
          "jacobian row " + i);
    }
  }

  @Test
  void callFunctionAndTheFunctionsApiEqualTheEngineBitwise() {
    Engine e = engine();
    Graph b = trusted(borehole.toString());
    Graph m = trusted(mlp.toString());
    for (int i = 0; i < ROWS; i++) {
      assertEquals(hex(e.jvp(m, Backend.auto(), row(mx[i]), row(mu[i])).data()), answer("jvp/" + i), "jvp row " + i);
      assertEquals(hex(e.vjp(m, Backend.auto(), row(mx[i]), row(mv[i])).data()), answer("vjp/" + i), "vjp row " + i);
      assertEquals(hexRows(e.hessian(b, row(bx[i])).data(), 8, 8), answer("hessian/" + i), "hessian row " + i);
    }
  }

  @Test
  void anOnnxModelEqualsTheEngineBitwise() {
    Engine e = engine();
    Graph g = trusted(onnx.toString());
    for (int i = 0; i < ROWS; i++) {
      assertEquals(hexRows(e.batchedJacobian(g, Backend.auto(), row(ox[i])).data(), 3, 4), answer("onnx/" + i),
          "ONNX jacobian row " + i);
    }
  }

  @Test
  void nullsDescriptionsAndTheFunctionList() {
    assertEquals("true,true", answer("nulls"));
    assertContains(answer("describe"), "Usage: jacobian(spec, x)", "DESCRIBE FUNCTION EXTENDED over Connect");
    assertContains(answer("describe"), "Examples:", "DESCRIBE FUNCTION EXTENDED over Connect");
    assertEquals("evaluate,gradient,hessian,jacobian,jvp,vjp", answer("show"));
  }

  @Test
  void errorsReachTheClientNamingWhatAndWhere() throws Exception {
    String length = answer("error/length");
    assertContains(length, "FAILED_EXECUTE_UDF", "a wrong-length row");
    assertContains(length, "gradient: x has 7 values but the function " + borehole + " takes 8", "a wrong-length row");
    String spec = answer("error/spec");
    assertContains(spec, "org.apache.spark.sql.AnalysisException", "a bad inline spec");
    assertContains(spec, "gradient: <inline>:1:27: unknown function 'cso'; did you mean 'cos'?", "a bad inline spec");
    assertFalse(server.log().contains("replaced a previously registered function"), server::toString);
  }

  private static String answer(String key) {
    String a = answers.get(key);
    if (a == null) {
      throw new AssertionError("the client wrote no " + key + "; it wrote " + answers.keySet());
    }
    return a;
  }

  private static Engine engine() {
    return new Engine(new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES));
  }

  private static Tensor row(double[] v) {
    return Tensor.of(Shape.of(1, v.length), v);
  }

  /** What the client writes for a vector: the hex raw bits, comma separated. */
  private static String hex(double[] v) {
    return java.util.Arrays.stream(v).mapToObj(d -> Long.toHexString(Double.doubleToRawLongBits(d)))
        .collect(Collectors.joining(","));
  }

  /** What the client writes for a matrix given in Fortran order (rows, cols): rows joined by ';'. */
  private static String hexRows(double[] fortran, int rows, int cols) {
    Function<Integer, double[]> row = r -> IntStream.range(0, cols).mapToDouble(c -> fortran[c * rows + r]).toArray();
    return IntStream.range(0, rows).mapToObj(r -> hex(row.apply(r))).collect(Collectors.joining(";"));
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      return "(unreadable: " + e + ")";
    }
  }

  /** The spec compiled through the cache, as trusted (test) code reads it. */
  private static Graph trusted(String spec) {
    SafetyConf any = SafetyConf.unrestricted();
    return SpecCache.get(SpecSource.resolve(spec, any), any).graph();
  }
}
