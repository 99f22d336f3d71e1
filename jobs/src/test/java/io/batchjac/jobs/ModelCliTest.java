package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.ENGINE;
import static io.batchjac.jobs.CliSupport.assertContains;
import static io.batchjac.jobs.CliSupport.assertNpyEquals;
import static io.batchjac.jobs.CliSupport.batch;
import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.graph;
import static io.batchjac.jobs.CliSupport.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Tensor;
import io.batchjac.jobs.core.SpecBundle;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specs that call models through the CLI: {@code --wrt MODEL} and {@code --wrt MODEL.PARAM} on
 * {@code conf/examples/onnx_residual.fn} equal the in-process engine bitwise; an unknown name is
 * a one-line error; model files are shipped with the job (a bundle parses without the files).
 */
class ModelCliTest {
  static final int B = 300;
  static final String EXAMPLE = "onnx_residual.fn";

  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = CliSupport.startSpark("ModelCliTest");
  }

  @AfterAll
  static void stopSpark() {
    CliSupport.stopSpark(spark);
  }

  @Test
  void jacobianWithRespectToAllOfAModelsWeightsAndToOne() throws IOException {
    Graph f = graph(EXAMPLE);
    List<Node> weights = f.selectParams(List.of("net"));
    assertEquals(f.params(), weights);
    int n = weights.stream().mapToInt(p -> p.shape().size()).sum();
    assertEquals(211, n);
    Tensor x = batch(new Sampler(f, 3).draw(0, B), B, 4);

    Path all = dir.resolve("all.npy");
    cli("jacobian", "--spec", spec(EXAMPLE), "--samples", B, "--seed", 3, "--wrt", "net", "--output", all,
        "--master", "local[2]", "--partitions", 3).ok();
    assertNpyEquals(ENGINE.batchedJacobian(f, Backend.auto(), Engine.Wrt.params("net"), x), all, 1, n, B);

    Path one = dir.resolve("one.npy");
    cli("jacobian", "--spec", spec(EXAMPLE), "--samples", B, "--seed", 3, "--wrt", "net.fc1.bias,net.out",
        "--output", one, "--master", "local[2]").ok();
    assertNpyEquals(ENGINE.batchedJacobian(f, Backend.auto(), Engine.Wrt.params("net.fc1.bias", "net.out"), x),
        one, 1, 8 + 3 * 8 + 3, B);
  }

  @Test
  void anUnknownWrtNameIsAnErrorListingTheModelsParams() {
    Path out = dir.resolve("J.npy");
    CliSupport.Run r = cli("jacobian", "--spec", spec(EXAMPLE), "--samples", 10, "--wrt", "nett", "--output", out,
        "--master", "local[2]");
    assertEquals(1, r.status());
    assertContains(r.err(), "--wrt: no parameter named 'nett'; the function has parameters [net.fc1.weight, ", "stderr");
    assertFalse(Files.exists(out));
  }

  @Test
  void modelFilesTravelInsideTheBundle() throws Exception {
    Files.copy(spec(EXAMPLE), dir.resolve("r.fn"));
    Files.copy(spec("torch_mlp.onnx"), dir.resolve("torch_mlp.onnx"));
    Files.createDirectory(dir.resolve("m"));
    Files.writeString(dir.resolve("m/lin.fn"), "input z\nparam k = load(\"k.npy\")\noutput k * z");
    io.batchjac.engine.tensor.Npy.write(dir.resolve("m/k.npy"), Tensor.vector(new double[] {2.5}));
    Files.writeString(dir.resolve("s.fn"), "model lin = load(\"m/lin.fn\")\ninput x\noutput lin(x)");
    SpecBundle onnx = SpecBundle.ofFile(dir.resolve("r.fn"));
    SpecBundle fn = SpecBundle.ofFile(dir.resolve("s.fn"));
    for (String f : List.of("r.fn", "torch_mlp.onnx", "s.fn", "m/lin.fn", "m/k.npy")) {
      Files.delete(dir.resolve(f));
    }
    assertEquals(onnx.graph().dump(), copy(onnx).graph().dump());
    Graph lin = copy(fn).graph();
    assertEquals("lin.k", lin.params().get(0).name());
    assertEquals(2.5, lin.params().get(0).value().data()[0], 0.0);
  }

  /** The bundle after Java serialization (what Spark does to reach an executor): parsed again there. */
  private static SpecBundle copy(SpecBundle b) throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(b);
    }
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      return (SpecBundle) in.readObject();
    }
  }
}
