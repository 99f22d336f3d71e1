package io.batchjac.it;

import static io.batchjac.it.Checks.assertNpyEquals;
import static io.batchjac.it.Checks.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.tensor.Npy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The jacobian job on YARN: {@code spark-submit --master yarn --deploy-mode cluster} of the
 * shaded application jar to a MiniYARNCluster started for this class ({@link YarnCluster}); the
 * driver runs in the cluster, and its output must equal a local-mode run bit for bit.
 */
class YarnIT {
  private static final Duration TIMEOUT = Duration.ofMinutes(8);
  private static YarnCluster yarn;
  private static Path dir;

  @BeforeAll
  static void start() throws Exception {
    long t0 = System.nanoTime();
    dir = Checks.freshDir("yarn-it-data");
    yarn = YarnCluster.start("yarn-it", Duration.ofMinutes(4));
    System.out.printf("YarnIT: MiniYARNCluster up in %.1f s%n", (System.nanoTime() - t0) / 1e9);
  }

  @AfterAll
  static void stop() {
    if (yarn != null) {
      yarn.close();
    }
  }

  @Test
  void jacobianJobInClusterModeEqualsLocalModeBitwise() throws Exception {
    int b = 10_000;
    Path in = Checks.writeNpy(dir.resolve("mlp-x.npy"), Checks.rows(31, b, 16, -2, 2), b, 16);
    Path onYarn = dir.resolve("jac-yarn.npy");
    Path local = dir.resolve("jac-local.npy");
    String spec = ClusterEnv.example("mlp.fn").toString();

    long t0 = System.nanoTime();
    SparkSubmitter.Result r = yarn.submitCluster("io.batchjac.jobs.JacobianJob",
        List.of("--spec", spec, "--input", in.toString(), "--output", onYarn.toString(), "--partitions", "3"), TIMEOUT);
    System.out.printf("YarnIT: cluster-mode submit to finish %.1f s%n", (System.nanoTime() - t0) / 1e9);
    assertEquals(0, r.status(), r::toString);
    List<String> apps = yarn.finalStatuses();
    assertEquals(1, apps.size(), apps::toString);
    assertTrue(apps.get(0).endsWith(" SUCCEEDED"), () -> apps + "\n" + r);

    cli("jacobian", "--spec", spec, "--input", in, "--output", local, "--partitions", "3", "--master", "local[2]").ok();
    assertNpyEquals(Npy.read(local), onYarn);
  }
}
