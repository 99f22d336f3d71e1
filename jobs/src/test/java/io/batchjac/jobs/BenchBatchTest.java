package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.assertContains;
import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.spec;

import org.junit.jupiter.api.Test;

/**
 * {@code bench} on whole batches: the timed runs write into one reused buffer (PreparedOp.runInto)
 * and bench itself refuses to report when their bits differ from the Engine API's result; every
 * operation, with and without --wrt, must therefore run through.
 */
class BenchBatchTest {
  @Test
  void everyOperationTimesTheSameBitsAsTheEngineApi() {
    Object[][] cases = {
        {"mlp.fn", "jacobian"}, {"mlp.fn", "jvp"}, {"mlp.fn", "vjp"}, {"mlp.fn", "eval"},
        {"borehole.fn", "gradient"}, {"ishigami.fn", "jacobian"}, {"scalar_mlp.fn", "hessian"}};
    for (Object[] c : cases) {
      CliSupport.Run r = cli("bench", "--spec", spec((String) c[0]), "--op", c[1], "--batch", 100, "--repeat", 1,
          "--warmup", 1, "--warmup-time", 0, "--json").ok();
      assertContains(r.out(), "\"op\": \"" + c[1] + "\"", "bench --json on " + c[0]);
      assertContains(r.out(), "\"batch\": 100", "bench --json on " + c[0]);
    }
    CliSupport.Run wrt = cli("bench", "--spec", spec("mlp.fn"), "--op", "jacobian", "--wrt", "W1", "--batch", 40,
        "--repeat", 1, "--warmup", 0, "--warmup-time", 0).ok();
    assertContains(wrt.out(), "jacobian of " + spec("mlp.fn") + " (N=1024, M=8), B=40", "bench --wrt");
    assertContains(wrt.out(), "GEMM work ", "bench --wrt counts the GEMM work of the reused-buffer runs");
  }
}
