package io.batchjac.engine.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The DGSM of the two standard test functions against their analytic values, at 200,000 samples
 * drawn from the specs' distributions (conf/examples/ishigami.fn and gfunction.fn): each within
 * 4 Monte Carlo standard errors.
 */
class AnalyticDgsmTest {
  static final long SAMPLES = 200_000;

  static Path example(String name) {
    for (Path p : new Path[] {Path.of("../conf/examples", name), Path.of("conf/examples", name)}) {
      if (Files.exists(p)) {
        return p;
      }
    }
    throw new IllegalStateException(name + " not found from " + Path.of("").toAbsolutePath());
  }

  /** Ishigami, a = 7, b = 0.1, U(-pi, pi): nu_1 = 1/2 + pi^4/50 + pi^8/1800, nu_2 = a^2/2, nu_3 = 8 b^2 pi^6 / 7. */
  @Test
  void ishigami() {
    Graph f = SpecParser.parseFile(example("ishigami.fn")).graph();
    SensitivityReport r = SensitivityAnalysis.sampled(f, SAMPLES, 1, Executor.defaults());
    double pi = Math.PI;
    double[] exact = {0.5 + Math.pow(pi, 4) / 50 + Math.pow(pi, 8) / 1800, 49.0 / 2, 8 * 0.01 * Math.pow(pi, 6) / 7};
    assertEquals(SAMPLES, r.samples());
    for (int n = 0; n < 3; n++) {
      assertWithin4Se(r.pair(0, n), exact[n], "Ishigami nu_" + (n + 1));
    }
    // the Sobol bound with C = (2 pi)^2 / pi^2 = 4; Var(f) = a^2/8 + b pi^4/5 + b^2 pi^8/18 + 1/2
    double var = 49.0 / 8 + 0.1 * Math.pow(pi, 4) / 5 + 0.01 * Math.pow(pi, 8) / 18 + 0.5;
    assertEquals(var, r.pair(0, 0).outputVariance(), 0.02 * var, "Var(f)");
    assertEquals(4.0, r.pair(0, 1).poincareConstant(), 1e-12, "Poincare constant of U(-pi, pi)");
    assertEquals(4 * r.pair(0, 1).dgsm() / r.pair(0, 1).outputVariance(), r.pair(0, 1).sobolBound(), 1e-12);
    assertTrue(r.rankedByBound());
    assertEquals(1, r.ranking(0).get(0).input(), "x[1] has the largest bound (nu_2 * 4 / Var = 7.1)");
  }

  /** Sobol's G-function, a = 0, 1, 4.5, 9, 99 on U(0, 1): nu_i = 16/(1+a_i)^2 prod_{j != i}(1 + 1/(3 (1+a_j)^2)). */
  @Test
  void gFunction() {
    Graph f = SpecParser.parseFile(example("gfunction.fn")).graph();
    SensitivityReport r = SensitivityAnalysis.sampled(f, SAMPLES, 2, Executor.defaults());
    double[] a = {0, 1, 4.5, 9, 99};
    for (int i = 0; i < a.length; i++) {
      double nu = 16 / ((1 + a[i]) * (1 + a[i]));
      for (int j = 0; j < a.length; j++) {
        if (j != i) {
          nu *= 1 + 1 / (3 * (1 + a[j]) * (1 + a[j]));
        }
      }
      assertWithin4Se(r.pair(0, i), nu, "G-function nu_" + (i + 1));
    }
    assertEquals(java.util.List.of("x[0]", "x[1]", "x[2]", "x[3]", "x[4]"), r.inputNames());
    assertEquals(java.util.List.of("g"), r.outputNames());
  }

  static void assertWithin4Se(PairMeasures p, double exact, String what) {
    double z = (p.dgsm() - exact) / p.dgsmStdError();
    System.out.printf("%s: estimate %.6g, analytic %.6g, standard error %.3g, z = %.2f%n", what, p.dgsm(), exact,
        p.dgsmStdError(), z);
    assertTrue(p.dgsmStdError() > 0 && p.dgsmStdError() < 0.05 * exact, what + ": standard error " + p.dgsmStdError());
    assertTrue(Math.abs(z) < 4, what + ": estimate " + p.dgsm() + " vs analytic " + exact + " is " + z + " standard errors off");
  }
}
