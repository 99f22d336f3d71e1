package io.batchjac.jobs;

import static io.batchjac.jobs.CliSupport.assertContains;
import static io.batchjac.jobs.CliSupport.cli;
import static io.batchjac.jobs.CliSupport.spec;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** {@code bench --per-row}: one sample per call through the compiled operation, on one thread. */
class BenchPerRowTest {
  @Test
  void timesOneRowPerCallAndNamesTheRoute() {
    CliSupport.Run r = cli("bench", "--spec", spec("borehole.fn"), "--op", "gradient", "--per-row", "--batch", 300,
        "--repeat", 2, "--warmup", 1, "--warmup-time", 0, "--json").ok();
    assertContains(r.out(), "\"op\": \"gradient\", \"per_row\": true, \"rows\": 300, \"route\": \"row program\"",
        "bench --per-row --json");
    assertContains(r.out(), "\"cpu_ns_per_row_best\": ", "bench --per-row --json");
    CliSupport.Run mlp = cli("bench", "--spec", spec("mlp.fn"), "--op", "vjp", "--per-row", "--batch", 20,
        "--repeat", 1, "--warmup", 0, "--warmup-time", 0).ok();
    assertContains(mlp.out(), "vjp of " + spec("mlp.fn") + " per row (N=16, M=8), 20 rows one at a time, 1 thread, interpreter",
        "bench --per-row on a plan with matrix products");
    assertContains(mlp.out(), "ns per row over 1 runs", "bench --per-row");
  }

  @Test
  void perRowDoesNotCombineWithReduce() {
    CliSupport.Run r = cli("bench", "--spec", spec("borehole.fn"), "--op", "gradient", "--per-row", "--reduce", "sum",
        "--batch", 10);
    assertEquals(1, r.status(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertTrue(r.errLines().get(0).startsWith("batchjac: error: "), r::toString);
    assertContains(r.errLines().get(0), "--per-row cannot be combined with --reduce or --profile", "stderr");
    assertEquals("", r.out(), "nothing on stdout");
  }

  @Test
  void aNegativeWarmupTimeIsAnError() {
    CliSupport.Run r = cli("bench", "--spec", spec("borehole.fn"), "--batch", 10, "--warmup-time", -1);
    assertEquals(1, r.status(), r::toString);
    assertEquals(1, r.errLines().size(), r::toString);
    assertContains(r.errLines().get(0), "--warmup and --warmup-time at least 0", "stderr");
    assertEquals("", r.out(), "nothing on stdout");
  }
}
