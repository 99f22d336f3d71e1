package io.batchjac.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.ad.DerivativeGraph;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Which grouping of elementwise steps a plan keeps ({@link FusionGroups}): the late one where it
 * moves fewer values (the mlp's VJP computes each tanh partial where the backward pass multiplies
 * by it, instead of storing it in the forward pass), the early one otherwise. That both give the
 * same bits as the unfused plan is FusionTest's job (it runs both).
 */
class FusionGroupsTest {
  private static Graph mlp() {
    for (Path p : new Path[] {Path.of("../conf/examples/mlp.fn"), Path.of("conf/examples/mlp.fn")}) {
      if (Files.isRegularFile(p)) {
        return SpecParser.parseFile(p).graph();
      }
    }
    throw new AssertionError("conf/examples/mlp.fn not found");
  }

  private static Plan compile(DerivativeGraph d, String grouping) {
    String before = System.getProperty("batchjac.fusion.grouping");
    System.setProperty("batchjac.fusion.grouping", grouping);
    try {
      return Plan.compile(d.graph(), d.outputs(), true);
    } finally {
      if (before == null) {
        System.clearProperty("batchjac.fusion.grouping");
      } else {
        System.setProperty("batchjac.fusion.grouping", before);
      }
    }
  }

  @Test
  void vjpComputesEachPartialWhereTheBackwardPassUsesIt() {
    Graph f = mlp();
    DerivativeGraph vjp = DerivativeGraph.vjp(f, f.inputs(), false);
    Plan early = compile(vjp, "early");
    Plan best = compile(vjp, "best");
    assertEquals(compile(vjp, "late").describe(), best.describe(), "the late grouping moves fewer values here");
    // early: the second layer's forward group also computes and stores the first layer's partial
    assertTrue(early.describe().contains("[FusedStep + tanh * -]"), early.describe());
    // late: the partial 1 - h1*h1 is computed with the product that uses it, and the second layer's
    // forward values (needed only for its partial) within the backward group
    assertTrue(best.describe().contains("[FusedStep * - zmul]"), best.describe());
    assertTrue(best.describe().contains("[FusedStep + tanh * - zmul]"), best.describe());
    assertEquals(early.stepCount() - 1, best.stepCount(), best.describe());
  }

  @Test
  void reverseJacobianKeepsTheEarlyGrouping() {
    Graph f = mlp();
    // the partials' consumers are [8, 64] cotangent products: the late grouping has no group to put
    // them in, so it would only add a pass
    DerivativeGraph jac = DerivativeGraph.reverseJacobianBlock(f, f.inputs(), 0, f.outputSize(), false);
    Plan early = compile(jac, "early");
    Plan best = compile(jac, "best");
    assertEquals(early.describe(), best.describe());
    assertFalse(compile(jac, "late").describe().equals(early.describe()), "the test no longer tells the two apart");
  }
}
