package io.batchjac.engine.stats;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Poincare constants and variances of the input distributions; names of input and output values. */
class PoincareTest {
  @Test
  void constantsAndVariances() {
    assertEquals(4.0 / (Math.PI * Math.PI), Poincare.constant(Distribution.uniform(-1, 1)), 1e-15);
    assertEquals(1.0 / 3, Poincare.variance(Distribution.uniform(-1, 1)), 1e-15);
    assertEquals(2.25, Poincare.constant(Distribution.normal(5, 1.5)), 0.0);
    assertEquals(2.25, Poincare.variance(Distribution.normal(5, 1.5)), 0.0);
    Distribution logn = Distribution.lognormal(0.5, 0.4);
    assertTrue(Double.isNaN(Poincare.constant(logn)));
    assertTrue(Poincare.rule(logn).startsWith("no known constant"), Poincare.rule(logn));
    assertEquals((Math.exp(0.16) - 1) * Math.exp(1 + 0.16), Poincare.variance(logn), 1e-12);
    assertTrue(Double.isNaN(Poincare.constant(null)));
    assertTrue(Poincare.rule(null).startsWith("no known constant"), Poincare.rule(null));
  }

  @Test
  void valueNamesAreRowMajor() {
    assertEquals(List.of("t"), SensitivityReport.valueNames("t", Shape.of()));
    assertEquals(List.of("x[0]", "x[1]"), SensitivityReport.valueNames("x", Shape.of(2)));
    assertEquals(List.of("A[0, 0]", "A[0, 1]", "A[0, 2]", "A[1, 0]", "A[1, 1]", "A[1, 2]"),
        SensitivityReport.valueNames("A", Shape.of(2, 3)));
  }

  @Test
  void blockSizeDependsOnlyOnTheFunctionsSize() {
    assertEquals(4096, SensitivityAnalysis.blockSize(1, 8));
    assertEquals(1024, SensitivityAnalysis.blockSize(32, 32)); // 2^20 / 1024 doubles per sample
    assertEquals(64, SensitivityAnalysis.blockSize(1000, 1000)); // at least 64 samples
  }
}
