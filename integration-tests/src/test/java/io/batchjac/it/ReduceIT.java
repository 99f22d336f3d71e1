package io.batchjac.it;

import static io.batchjac.it.Checks.assertContains;
import static io.batchjac.it.Checks.assertNpyEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Reduce;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code --reduce} through spark-submit of the application jar on the standalone cluster (a
 * Master and two Workers, as {@link SubmitIT}): the mean parameter Jacobian of drawn samples and
 * the summed Hessians of an {@code .npy} input, computed by executors in other JVMs and merged in
 * the fixed tree, equal {@code Engine.reduced} in this JVM bit for bit.
 */
class ReduceIT {
  @RegisterExtension
  static final ClusterExtension CLUSTER = ClusterExtension.clusterOnly("reduce-it");

  private static final Duration TIMEOUT = Duration.ofMinutes(3);
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    dir = Checks.freshDir("reduce-it");
  }

  @Test
  void meanParameterJacobianOfDrawnSamplesEqualsTheEngineBitwise() throws Exception {
    int b = 50_000;
    Path out = dir.resolve("mlp-grad-mean.npy");
    SparkSubmitter.Result r = SparkSubmitter.submit(CLUSTER.cluster(), List.of(), "io.batchjac.jobs.JacobianJob",
        List.of("--spec", ClusterEnv.example("mlp.fn").toString(), "--samples", String.valueOf(b), "--seed", "4",
            "--wrt", "W3,b3", "--reduce", "mean", "--output", out.toString(), "--partitions", "7"),
        TIMEOUT);
    assertEquals(0, r.status(), r::toString);
    assertContains(r.out() + r.err(), "the mean over the batch, 7 partitions", "the job's summary line");
    Graph f = Checks.graph("mlp.fn");
    Tensor x = Checks.batch(new Sampler(f, 4).draw(0, b), b, 16);
    assertNpyEquals(Checks.ENGINE.reduced(Reduce.MEAN).batchedJacobian(f, Backend.auto(), Engine.Wrt.params("W3", "b3"), x),
        out);
  }

  @Test
  void summedHessiansToParquetEqualTheEngineBitwise() throws Exception {
    int b = 12_345;
    double[] x = Checks.rows(21, b, 8, -1, 1);
    Path in = Checks.writeNpy(dir.resolve("scalar-x.npy"), x, b, 8);
    Path out = dir.resolve("hessian-sum.parquet");
    SparkSubmitter.Result r = SparkSubmitter.submit(CLUSTER.cluster(), List.of(), "io.batchjac.jobs.HessianJob",
        List.of("--spec", ClusterEnv.example("scalar_mlp.fn").toString(), "--input", in.toString(), "--reduce", "sum",
            "--output", out.toString(), "--partitions", "3"),
        TIMEOUT);
    assertEquals(0, r.status(), r::toString);
    Tensor h = Checks.ENGINE.reduced(Reduce.SUM).hessian(Checks.graph("scalar_mlp.fn"), Checks.batch(x, b, 8));
    SparkSession local = SparkSession.builder().master("local[1]").appName("ReduceIT read")
        .config("spark.ui.enabled", "false").getOrCreate();
    try {
      List<Row> rows = local.read().parquet(out.toString()).collectAsList();
      assertEquals(1, rows.size(), "one row");
      assertEquals(b, rows.get(0).getLong(0), "samples");
      assertEquals("sum", rows.get(0).getString(1), "reduce");
      List<Object> matrix = scala.jdk.javaapi.CollectionConverters.asJava(rows.get(0).<Object>getSeq(2));
      double[] got = new double[64];
      for (int i = 0; i < 8; i++) {
        @SuppressWarnings("unchecked")
        List<Object> line = scala.jdk.javaapi.CollectionConverters.asJava((scala.collection.Seq<Object>) matrix.get(i));
        for (int j = 0; j < 8; j++) {
          got[i + 8 * j] = (Double) line.get(j); // [row][column] back to Fortran order
        }
      }
      Checks.assertBitwiseEquals(h.data(), got, "the summed Hessian");
    } finally {
      local.stop();
    }
  }
}
