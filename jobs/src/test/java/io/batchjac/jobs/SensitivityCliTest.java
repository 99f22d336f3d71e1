package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.assertContains;
import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.spec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.stats.PairMeasures;
import io.batchjac.engine.stats.SensitivityAnalysis;
import io.batchjac.engine.stats.SensitivityReport;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code batchjac sensitivity} end to end on one local[2] session: the Ishigami DGSMs against
 * their analytic values through the written JSON, the files (JSON fields, CSV rows, PNGs of the
 * documented size), bitwise independence of the partitioning (1 and 7 partitions, and the
 * in-process analysis), user-supplied samples (.npy and a multi-file Parquet table give bitwise
 * the same), and the output directory's rules.
 */
class SensitivityCliTest {
  static final ObjectMapper JSON = new ObjectMapper();

  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = CliSupport.startSpark("SensitivityCliTest");
  }

  @AfterAll
  static void stopSpark() {
    CliSupport.stopSpark(spark);
  }

  static CliSupport.Run run(Object... args) {
    List<Object> a = new ArrayList<>(Arrays.asList(args));
    a.add(0, "sensitivity");
    a.addAll(List.of("--master", "local[2]"));
    return cli(a.toArray());
  }

  @Test
  void ishigamiMatchesTheAnalyticDgsmAndWritesEveryFile() throws IOException {
    Path out = dir.resolve("ish");
    CliSupport.Run r = run("--spec", spec("ishigami.fn"), "--samples", 200_000, "--seed", 5, "--output", out).ok();
    JsonNode j = JSON.readTree(out.resolve("sensitivity.json").toFile());
    assertEquals(200_000, j.get("samples").asLong());
    assertEquals(5, j.get("seed").asLong());
    assertTrue(j.get("seconds").asDouble() > 0);
    assertTrue(j.get("input").isNull());
    assertEquals("sobol_total_bound", j.get("ranked_by").asText());
    assertEquals(List.of("sensitivity.json", "sensitivity.csv", "heatmap.png", "bars-y.png"), texts(j.get("files")));
    assertEquals(List.of("x[0]", "x[1]", "x[2]"), names(j.get("inputs")));
    assertEquals(List.of("y"), names(j.get("outputs")));
    JsonNode x0 = j.get("inputs").get(0);
    assertEquals("uniform(-3.14159, 3.14159)", x0.get("distribution").asText());
    assertEquals(4.0, x0.get("poincare_constant").asDouble(), 1e-12);
    assertEquals(4 * Math.PI * Math.PI / 12, x0.get("variance").asDouble(), 1e-12);
    assertEquals("distribution", x0.get("variance_from").asText());
    double pi = Math.PI;
    double[] exact = {0.5 + Math.pow(pi, 4) / 50 + Math.pow(pi, 8) / 1800, 49.0 / 2, 8 * 0.01 * Math.pow(pi, 6) / 7};
    JsonNode measures = j.get("measures");
    assertEquals(3, measures.size());
    for (int n = 0; n < 3; n++) {
      JsonNode mm = measures.get(n);
      assertEquals("y", mm.get("output").asText());
      assertEquals("x[" + n + "]", mm.get("input").asText());
      for (String field : List.of("dgsm", "dgsm_se", "mean_derivative", "mean_abs_derivative", "sd_derivative",
          "output_variance", "poincare_constant", "sobol_total_bound", "sobol_total_bound_se", "normalized_sensitivity",
          "scaled_dgsm", "scaled_dgsm_se")) {
        assertTrue(mm.get(field).isNumber(), () -> field + " of " + mm);
      }
      double z = (mm.get("dgsm").asDouble() - exact[n]) / mm.get("dgsm_se").asDouble();
      assertTrue(Math.abs(z) < 4, "nu_" + (n + 1) + " is " + z + " standard errors from " + exact[n]);
      assertEquals(4 * mm.get("dgsm").asDouble() / mm.get("output_variance").asDouble(),
          mm.get("sobol_total_bound").asDouble(), 1e-12);
    }
    List<String> csv = Files.readAllLines(out.resolve("sensitivity.csv"));
    assertEquals(4, csv.size());
    assertTrue(csv.get(0).startsWith("output,input,dgsm,dgsm_se,"), csv.get(0));
    assertTrue(csv.get(2).startsWith("y,x[1]," + measures.get(1).get("dgsm").asDouble() + ","), csv.get(2));
    assertPng(out.resolve("heatmap.png"));
    assertPng(out.resolve("bars-y.png"));
    // the table: x[1] first (largest bound), then the closing line
    List<String> lines = r.out().lines().toList();
    assertContains(lines.get(0), "y: Var(f) = ", "the table's heading");
    assertTrue(lines.get(2).matches("\\s+1\\s+x\\[1\\]\\s+uniform.*"), lines.get(2));
    assertContains(lines.get(lines.size() - 1), "sensitivity: 200,000 samples in ", "the closing line");
    assertEquals(List.of("ish"), CliSupport.listSettled(dir), "no temporary directory left beside the output");
  }

  @Test
  void oneAndSevenPartitionsAgreeBitwiseWithEachOtherAndTheInProcessAnalysis() throws IOException {
    long samples = 60_000; // 15 blocks of 4096: partition boundaries fall inside the merge tree
    List<byte[]> csvs = new ArrayList<>();
    for (int p : new int[] {1, 7}) {
      Path out = dir.resolve("g" + p);
      run("--spec", spec("gfunction.fn"), "--samples", samples, "--seed", 3, "--partitions", p, "--output", out).ok();
      assertEquals(p, JSON.readTree(out.resolve("sensitivity.json").toFile()).get("partitions").asInt());
      csvs.add(Files.readAllBytes(out.resolve("sensitivity.csv")));
    }
    assertArrayEquals(csvs.get(0), csvs.get(1), "sensitivity.csv of 1 and 7 partitions");
    Graph f = CliSupport.graph("gfunction.fn");
    SensitivityReport local = SensitivityAnalysis.sampled(f, samples, 3, new Executor(2, Executor.DEFAULT_CHUNK_DOUBLES));
    List<String> rows = new String(csvs.get(0)).lines().skip(1).toList();
    for (int n = 0; n < 5; n++) {
      PairMeasures p = local.pair(0, n);
      String[] cells = rows.get(n).split(",");
      assertEquals(Double.toString(p.dgsm()), cells[2], "nu_" + n + " in process");
      assertEquals(Double.toString(p.dgsmStdError()), cells[3], "se of nu_" + n + " in process");
      assertEquals(Double.toString(p.sobolBound()), cells[9], "bound " + n + " in process");
    }
  }

  @Test
  void userSamplesFromNpyAndFromAMultiFileTableGiveTheSameMeasures() throws IOException {
    int b = 9000;
    double[] x = CliSupport.rows(4, b, 8, 0, 1);
    double[][] ranges = {{0.05, 0.15}, {100, 50000}, {63070, 115600}, {990, 1110}, {63.1, 116}, {700, 820},
        {1120, 1680}, {9855, 12045}};
    for (int s = 0; s < b; s++) {
      for (int k = 0; k < 8; k++) {
        x[s * 8 + k] = ranges[k][0] + (ranges[k][1] - ranges[k][0]) * x[s * 8 + k];
      }
    }
    Path npy = CliSupport.writeC(dir.resolve("x.npy"), x, b, 8);
    Path out = dir.resolve("fromNpy");
    CliSupport.Run r = run("--spec", spec("borehole.fn"), "--input", npy, "--partitions", 3, "--output", out).ok();
    assertContains(r.out(), "no bound on Sobol' total index: the input distributions of user-supplied samples are unknown",
        "the table's note");
    JsonNode j = JSON.readTree(out.resolve("sensitivity.json").toFile());
    assertEquals("scaled_dgsm", j.get("ranked_by").asText());
    assertTrue(j.get("seed").isNull());
    assertEquals(npy.toString(), j.get("input").asText());
    JsonNode rw = j.get("inputs").get(0);
    assertTrue(rw.get("distribution").isNull());
    assertTrue(rw.get("poincare_constant").isNull());
    assertEquals("samples", rw.get("variance_from").asText());
    JsonNode m0 = j.get("measures").get(0);
    assertTrue(m0.get("sobol_total_bound").isNull());
    assertTrue(m0.get("scaled_dgsm").isNumber());
    SensitivityReport local = SensitivityAnalysis.ofSamples(CliSupport.graph("borehole.fn"),
        Tensor.of(Shape.of(b, 8), x, Tensor.Order.C), new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES));
    assertEquals(local.pair(0, 0).scaledDgsm(), m0.get("scaled_dgsm").asDouble(), 0.0, "the in-process analysis");
    assertEquals(local.inputVariance(0), rw.get("variance").asDouble(), 0.0);
    // the same rows as a Parquet table of 4 files: rows are moved to the partitions of their blocks
    List<org.apache.spark.sql.Row> rowList = new ArrayList<>();
    for (int s = 0; s < b; s++) {
      Object[] v = new Object[8];
      for (int k = 0; k < 8; k++) {
        v[k] = x[s * 8 + k];
      }
      rowList.add(org.apache.spark.sql.RowFactory.create(v));
    }
    org.apache.spark.sql.types.StructType schema = new org.apache.spark.sql.types.StructType();
    for (String name : List.of("rw", "r", "Tu", "Hu", "Tl", "Hl", "L", "Kw")) {
      schema = schema.add(name, org.apache.spark.sql.types.DataTypes.DoubleType);
    }
    Path table = dir.resolve("x.parquet");
    spark.createDataFrame(rowList, schema).repartition(4).sortWithinPartitions().write().parquet(table.toString());
    Path fromTable = dir.resolve("fromTable");
    run("--spec", spec("borehole.fn"), "--input", table, "--partitions", 5, "--output", fromTable).ok();
    // the table's row order is Spark's read order: compare with the .npy of the rows in that order
    List<org.apache.spark.sql.Row> read = spark.read().parquet(table.toString()).collectAsList();
    double[] inOrder = new double[b * 8];
    for (int s = 0; s < b; s++) {
      for (int k = 0; k < 8; k++) {
        inOrder[s * 8 + k] = read.get(s).getDouble(k);
      }
    }
    Path again = dir.resolve("fromNpyInTableOrder");
    run("--spec", spec("borehole.fn"), "--input", CliSupport.writeC(dir.resolve("y.npy"), inOrder, b, 8), "--partitions", 2,
        "--output", again).ok();
    assertArrayEquals(Files.readAllBytes(again.resolve("sensitivity.csv")), Files.readAllBytes(fromTable.resolve("sensitivity.csv")),
        "a multi-file Parquet table and a .npy of the same rows");
  }

  @Test
  void anExistingDirectoryIsReplacedOnlyWithOverwrite() throws IOException {
    Path out = Files.createDirectory(dir.resolve("taken"));
    Files.writeString(out.resolve("keep.txt"), "mine");
    CliSupport.Run r = run("--spec", spec("ishigami.fn"), "--samples", 1000, "--output", out);
    assertEquals(1, r.status(), r::toString);
    assertEquals(List.of("batchjac: error: --output " + out + " already exists (use --overwrite to replace it)"), r.errLines());
    assertEquals(List.of("keep.txt"), CliSupport.listSettled(out));
    run("--spec", spec("ishigami.fn"), "--samples", 1000, "--output", out, "--overwrite").ok();
    assertEquals(List.of("bars-y.png", "heatmap.png", "sensitivity.csv", "sensitivity.json"), CliSupport.listSettled(out));
    assertEquals(List.of("taken"), CliSupport.listSettled(dir), "nothing else left beside the output");
  }

  @Test
  void userErrorsLeaveNothingBehind() throws IOException {
    Path out = dir.resolve("never");
    String[][] cases = {
        {"--samples", "1", "a sensitivity analysis needs at least 2 samples (variances), got 1"},
        {"--samples", "-5", "--samples must be at least 0, got -5"},
        {"--partitions", "-1", "--partitions must be positive (or 0 for the default), got -1"},
    };
    for (String[] c : cases) {
      List<Object> args = new ArrayList<>(List.of("--spec", spec("ishigami.fn"), "--output", out));
      if (!c[0].equals("--samples")) {
        args.addAll(List.of("--samples", 100));
      }
      args.addAll(List.of(c[0], c[1]));
      CliSupport.Run r = run(args.toArray());
      assertEquals(1, r.status(), r::toString);
      assertEquals(List.of("batchjac: error: " + c[2]), r.errLines());
    }
    CliSupport.Run neither = run("--spec", spec("ishigami.fn"), "--output", out);
    assertEquals(List.of("batchjac: error: give --input FILE or --samples B"), neither.errLines());
    Path txt = Files.writeString(dir.resolve("x.txt"), "1 2 3\n");
    CliSupport.Run both = run("--spec", spec("ishigami.fn"), "--samples", 100, "--input", txt, "--output", out);
    assertEquals(List.of("batchjac: error: give either --input or --samples, not both"), both.errLines());
    CliSupport.Run wrongKind = run("--spec", spec("ishigami.fn"), "--input", txt, "--output", out);
    assertEquals(List.of("batchjac: error: --input " + txt + ": expected a .npy, .parquet or .csv file"), wrongKind.errLines());
    Path wide = CliSupport.writeC(dir.resolve("wide.npy"), new double[8], 2, 4);
    CliSupport.Run wrongWidth = run("--spec", spec("ishigami.fn"), "--input", wide, "--output", out);
    assertContains(wrongWidth.errLines().get(0), "expected (B, 3) in C order or (3, B) in Fortran order", "the width error");
    Path bad = Files.writeString(dir.resolve("bad.fn"), "input x ~ unifrom(0, 1)\noutput x\n");
    CliSupport.Run spec = run("--spec", bad, "--samples", 100, "--output", out);
    assertEquals(1, spec.status());
    assertContains(spec.errLines().get(0), bad + ":1:", "the spec error");
    CliSupport.Run usage = run("--spec", spec("ishigami.fn"), "--samples", 100);
    assertEquals(2, usage.status(), usage::toString);
    assertContains(usage.err(), "Missing required option: '--output=DIR'", "the usage error");
    assertFalse(usage.err().contains("\tat "));
    assertEquals(List.of("bad.fn", "wide.npy", "x.txt"), CliSupport.listSettled(dir), "no output and no temporary directory");
  }

  @Test
  void aLognormalInputHasNoPoincareConstant() throws IOException {
    Path out = dir.resolve("logn");
    CliSupport.Run r = run("--spec", "input a ~ lognormal(0, 0.5); input b ~ uniform(0, 2); output a * b + b", "--samples", 5000,
        "--output", out).ok();
    assertContains(r.out(), "an input's distribution has no known Poincare constant", "the table's note");
    JsonNode j = JSON.readTree(out.resolve("sensitivity.json").toFile());
    JsonNode a = j.get("inputs").get(0);
    assertTrue(a.get("poincare_constant").isNull());
    assertContains(a.get("poincare_rule").asText(), "no known constant", "the rule of a lognormal input");
    assertEquals(4.0 / (Math.PI * Math.PI), j.get("inputs").get(1).get("poincare_constant").asDouble(), 1e-15);
    assertTrue(j.get("measures").get(0).get("sobol_total_bound").isNull());
    assertTrue(j.get("measures").get(1).get("sobol_total_bound").isNumber());
    assertEquals("scaled_dgsm", j.get("ranked_by").asText());
  }

  static void assertPng(Path file) throws IOException {
    BufferedImage img = ImageIO.read(file.toFile());
    assertNotNull(img, file + " is not a readable image");
    assertEquals(800, img.getWidth(), file + " width");
    assertEquals(600, img.getHeight(), file + " height");
    byte[] head = Arrays.copyOf(Files.readAllBytes(file), 8);
    assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, head, file + " PNG signature");
  }

  static List<String> names(JsonNode array) {
    List<String> l = new ArrayList<>();
    array.forEach(e -> l.add(e.get("name").asText()));
    return l;
  }

  static List<String> texts(JsonNode array) {
    List<String> l = new ArrayList<>();
    array.forEach(e -> l.add(e.asText()));
    return l;
  }
}
