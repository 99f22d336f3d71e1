package io.batchjac.engine.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The accuracy contracts of {@link MoreMath}: tanh within 2 ulps of Math.tanh, erf to 1e-15. */
class MoreMathTest {
  @Test
  void tanhIsWithinTwoUlpsOfMathTanh() {
    SplittableRandom r = new SplittableRandom(7);
    double worst = 0;
    double at = 0;
    for (int i = 0; i < 2_000_000; i++) {
      double x = switch (i % 4) {
        case 0 -> r.nextDouble(-1.5, 1.5);
        case 1 -> r.nextDouble(-25, 25);
        case 2 -> r.nextDouble(-1e-6, 1e-6);
        default -> r.nextDouble(0.6, 0.65) * (r.nextBoolean() ? 1 : -1);
      };
      double ref = Math.tanh(x);
      double ulps = Math.abs(MoreMath.tanh(x) - ref) / Math.ulp(ref);
      if (ulps > worst) {
        worst = ulps;
        at = x;
      }
    }
    assertTrue(worst <= 2.0, "tanh differs from Math.tanh by " + worst + " ulps at x = " + at);
  }

  @Test
  void tanhSpecialValues() {
    assertEquals(0.0, MoreMath.tanh(0.0));
    assertEquals(1.0, MoreMath.tanh(30));
    assertEquals(-1.0, MoreMath.tanh(Double.NEGATIVE_INFINITY));
    assertTrue(Double.isNaN(MoreMath.tanh(Double.NaN)));
    assertEquals(1e-300, MoreMath.tanh(1e-300));
  }

  @Test
  void erfMatchesReferenceValues() {
    // reference values: C99 erf (glibc, via Python's math.erf), correctly rounded here
    double[][] ref = {
        {0.1, 0.11246291601828489}, {0.5, 0.52049987781304654}, {1.0, 0.84270079294971487},
        {2.0, 0.99532226501895273}, {2.9, 0.99995890212190054}, {3.5, 0.99999925690162766},
        {-1.3, -0.93400794494065244}, {1e-10, 1.1283791670955126e-10}};
    for (double[] p : ref) {
      assertEquals(p[1], MoreMath.erf(p[0]), 1e-15 * Math.max(1e-10, Math.abs(p[1])) + 2e-16, "erf(" + p[0] + ")");
    }
    assertEquals(1.0, MoreMath.erf(7));
    assertTrue(Double.isNaN(MoreMath.erf(Double.NaN)));
  }

  @Test
  void softplusAndSigmoidDoNotOverflow() {
    assertEquals(1000.0, MoreMath.softplus(1000));
    assertEquals(0.0, MoreMath.softplus(-1000));
    assertEquals(Math.log(2), MoreMath.softplus(0), 1e-16);
    assertEquals(1.0, MoreMath.sigmoid(800));
    assertEquals(0.0, MoreMath.sigmoid(-800));
  }
}
