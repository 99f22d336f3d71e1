package io.batchjac.engine.ir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The accuracy contracts of {@link MoreMath}: erf to 1e-15. */
class MoreMathTest {
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
  void softplusDoesNotOverflow() {
    assertEquals(1000.0, MoreMath.softplus(1000));
    assertEquals(0.0, MoreMath.softplus(-1000));
    assertEquals(Math.log(2), MoreMath.softplus(0), 1e-16);
  }
}
