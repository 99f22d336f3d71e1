package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.rows;
import static io.batchjac.jobs.CliSupport.spec;
import static io.batchjac.jobs.CliSupport.writeC;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.ir.Graph;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Results do not depend on how the batch is cut into Spark partitions: {@code --partitions 1},
 * {@code 3} and {@code 8} (and the default) write byte-identical files, which are also the
 * in-process engine's result on the whole batch.
 */
class PartitioningTest {
  static final int[] PARTITIONS = {1, 3, 8, 0};

  static SparkSession spark;

  @TempDir
  Path dir;

  @BeforeAll
  static void startSpark() {
    spark = CliSupport.startSpark("PartitioningTest");
  }

  @AfterAll
  static void stopSpark() {
    CliSupport.stopSpark(spark);
  }

  /** Runs the command once per partition count and asserts all outputs are byte-identical. */
  private byte[] sameBytesForEveryPartitioning(String name, Object... args) throws IOException {
    List<byte[]> outs = new ArrayList<>();
    for (int p : PARTITIONS) {
      Path out = dir.resolve(name + "-p" + p + ".npy");
      List<Object> a = new ArrayList<>(List.of(args));
      a.addAll(List.of("--output", out, "--partitions", p, "--master", "local[2]"));
      cli(a.toArray()).ok();
      outs.add(Files.readAllBytes(out));
    }
    for (int i = 1; i < outs.size(); i++) {
      int p = PARTITIONS[i];
      assertArrayEquals(outs.get(0), outs.get(i), () -> name + ": --partitions " + p + " differs from --partitions 1");
    }
    return outs.get(0);
  }

  @Test
  void mlpJacobianOnNpyInput() throws IOException {
    int b = 1000;
    double[] x = rows(11, b, 16, -2, 2);
    Path in = writeC(dir.resolve("x.npy"), x, b, 16);
    // chunk 3: partial blocks of directions, which once made the BLAS calls depend on where a range starts
    String[][] variants = {{"forward", "0"}, {"reverse", "0"}, {"reverse", "3"}};
    for (String[] v : variants) {
      String backend = v[0];
      int chunk = Integer.parseInt(v[1]);
      byte[] bytes = sameBytesForEveryPartitioning("mlp-" + backend + chunk, "jacobian", "--spec", spec("mlp.fn"),
          "--input", in, "--backend", backend, "--chunk", chunk);
      Path ref = dir.resolve("ref-" + backend + chunk + ".npy");
      io.batchjac.engine.tensor.Npy.write(ref, CliSupport.ENGINE.batchedJacobian(CliSupport.graph("mlp.fn"),
          Backend.parse(backend, chunk), CliSupport.batch(x, b, 16)));
      assertArrayEquals(Files.readAllBytes(ref), bytes, "the engine on the whole batch");
    }
  }

  @Test
  void mlpJacobianOnSamples() throws IOException {
    int b = 1000;
    byte[] bytes = sameBytesForEveryPartitioning("mlp-samples", "jacobian", "--spec", spec("mlp.fn"),
        "--samples", b, "--seed", 9);
    Graph f = CliSupport.graph("mlp.fn");
    Path ref = dir.resolve("ref.npy");
    io.batchjac.engine.tensor.Npy.write(ref, CliSupport.ENGINE.batchedJacobian(f, Backend.auto(),
        CliSupport.batch(new Sampler(f, 9).draw(0, b), b, 16)));
    assertArrayEquals(Files.readAllBytes(ref), bytes, "the engine on the whole batch");
  }

  @Test
  void boreholeJacobianOnSamples() throws IOException {
    int b = 2000;
    byte[] bytes = sameBytesForEveryPartitioning("borehole", "jacobian", "--spec", spec("borehole.fn"),
        "--samples", b, "--seed", 1234);
    Graph f = CliSupport.graph("borehole.fn");
    Path ref = dir.resolve("ref.npy");
    io.batchjac.engine.tensor.Npy.write(ref, CliSupport.ENGINE.batchedJacobian(f, Backend.auto(),
        CliSupport.batch(new Sampler(f, 1234).draw(0, b), b, 8)));
    assertArrayEquals(Files.readAllBytes(ref), bytes, "the engine on the whole batch");
  }

  /** More partitions than samples: empty ranges must not break the job or the file. */
  @Test
  void morePartitionsThanSamples() throws IOException {
    int b = 5;
    double[] x = rows(12, b, 16, -2, 2);
    Path in = writeC(dir.resolve("x.npy"), x, b, 16);
    Path out = dir.resolve("J.npy");
    cli("jacobian", "--spec", spec("mlp.fn"), "--input", in, "--output", out, "--partitions", 8,
        "--master", "local[2]").ok();
    Path ref = dir.resolve("ref.npy");
    io.batchjac.engine.tensor.Npy.write(ref, CliSupport.ENGINE.batchedJacobian(CliSupport.graph("mlp.fn"),
        Backend.auto(), CliSupport.batch(x, b, 16)));
    assertArrayEquals(Files.readAllBytes(ref), Files.readAllBytes(out));
    assertEquals(List.of("J.npy", "ref.npy", "x.npy"), CliSupport.listSettled(dir));
  }
}
