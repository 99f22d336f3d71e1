package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.spec;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Specs with derivatives inside, through the command line on one local[2] session: the PINN
 * training gradient (a model call, --wrt the model, --reduce mean) bitwise independent of the
 * partitioning and equal to the in-process engine; a nested spec's sensitivity against its
 * closed-form DGSM; and a nested inline spec through the SQL functions.
 */
class NestedCliTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void start() {
    spark = CliSupport.startSpark("NestedCliTest");
  }

  @AfterAll
  static void stop() {
    CliSupport.stopSpark(spark);
  }

  @Test
  void pinnTrainingGradientIsIndependentOfPartitionsAndEqualsTheEngine() throws IOException {
    int samples = 3000;
    byte[] first = null;
    for (int p : new int[] {1, 3}) {
      Path out = dir.resolve("g" + p + ".npy");
      cli("jacobian", "--spec", spec("pinn_heat_loss.fn"), "--samples", samples, "--seed", 4, "--wrt", "pinn",
          "--reduce", "mean", "--partitions", p, "--master", "local[2]", "--output", out).ok();
      byte[] bytes = Files.readAllBytes(out);
      if (first == null) {
        first = bytes;
      } else {
        assertArrayEquals(first, bytes, "1 and 3 partitions");
      }
    }
    Tensor mean = CliSupport.readNpy(dir.resolve("g1.npy"));
    assertEquals(List.of(1, 1185), List.of(mean.shape().dim(0), mean.shape().dim(1)));
    // the same mean from the unreduced per-sample gradients of the in-process engine
    var f = CliSupport.graph("pinn_heat_loss.fn");
    Tensor x = Tensor.of(io.batchjac.engine.tensor.Shape.of(samples, 2),
        new io.batchjac.engine.api.Sampler(f, 4).draw(0, samples));
    Tensor g = CliSupport.ENGINE.gradient(f, Backend.auto(), Engine.Wrt.params("pinn"), x);
    for (int n = 0; n < 1185; n++) {
      double s = 0;
      for (int b = 0; b < samples; b++) {
        s += g.get(n, b);
      }
      double want = s / samples;
      assertEquals(want, mean.get(0, n), 1e-12 * Math.max(1e-3, Math.abs(want)), "mean gradient element " + n);
    }
  }

  @Test
  void sensitivityOfANestedSpecMatchesItsClosedForm() throws IOException {
    // f = d/dy (x^2 sin y + x y^3) = x^2 cos y + 3 x y^2, x ~ U(-1, 1), y ~ U(0, 1);
    // nu_x = E[(2x cos y + 3y^2)^2] = (4/3)(1/2 + sin(2)/4) + 9/5
    Path specFile = dir.resolve("nested.fn");
    Files.writeString(specFile, "input x ~ uniform(-1, 1)\ninput y ~ uniform(0, 1)\n"
        + "output f = grad(x^2 * sin(y) + x * y^3, y)\n");
    Path out = dir.resolve("sens");
    cli("sensitivity", "--spec", specFile, "--samples", 100_000, "--seed", 2, "--master", "local[2]",
        "--output", out).ok();
    JsonNode m = JSON.readTree(out.resolve("sensitivity.json").toFile()).get("measures").get(0);
    assertEquals("x", m.get("input").asText());
    double exact = 4.0 / 3 * (0.5 + Math.sin(2) / 4) + 9.0 / 5;
    double z = (m.get("dgsm").asDouble() - exact) / m.get("dgsm_se").asDouble();
    assertTrue(Math.abs(z) < 4, "nu_x is " + z + " standard errors from " + exact);
  }

  @Test
  void nestedInlineSpecThroughSql() {
    // x * grad(x * y, y) = x^2: its gradient is (2x, 0), no perturbation confusion
    CliSupport.Run r = cli("sql", "SELECT gradient('input x; input y; output x * grad(x * y, y)', array(1.5D, 2D)) AS g, "
        + "evaluate('input x; output jvp(x^3, x, x)', array(2D)) AS v");
    assertEquals(0, r.status(), r::toString);
    List<String> lines = r.out().strip().lines().toList();
    assertEquals("[3.0, 0.0]\t[24.0]", lines.get(1).replaceAll("\\s*\\|\\s*|\\s{2,}", "\t"), r::toString);
  }
}
