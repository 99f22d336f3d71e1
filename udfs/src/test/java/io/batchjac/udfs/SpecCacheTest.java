package io.batchjac.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.lang.SpecException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Spec strings (paths or inline), the bounded cache, and the per-row rules of the SQL functions. */
class SpecCacheTest {
  private static SpecSource resolve(String spec) {
    return SpecSource.resolve(spec, TestSupport.TRUSTED);
  }

  @Test
  void pathsAndInlineSpecsAreToldApart(@TempDir Path dir) throws Exception {
    String borehole = TestSupport.example("borehole.fn");
    SpecSource file = resolve(borehole);
    assertEquals(borehole, file.name());
    assertEquals(TestSupport.examples().toString(), file.baseDir());
    assertTrue(file.text().contains("output flow"));

    Path noSuffix = dir.resolve("f.spec");
    Files.writeString(noSuffix, "input x\noutput x^2\n");
    assertEquals(noSuffix.toString(), resolve(noSuffix.toString()).name(), "an existing file");

    assertEquals("<inline>", resolve("input x[2]; output x[0]").name());
    assertEquals("<inline>", resolve("input x\noutput x^2").name());
    assertEquals("<inline>", resolve("input x").name(), "one statement starting with input");
    assertNull(resolve("input x[2]; output x[0]").baseDir());

    SpecException missing = assertThrows(SpecException.class, () -> resolve("inputs/nope.fn"));
    assertTrue(missing.getMessage().startsWith("inputs/nope.fn: spec file not found"), missing.getMessage());
    SpecException neither = assertThrows(SpecException.class, () -> resolve("output x"));
    assertTrue(neither.getMessage().contains("neither an existing .fn or .onnx file nor an inline spec"),
        neither.getMessage());
    SpecException missingModel = assertThrows(SpecException.class, () -> resolve("inputs/nope.onnx"));
    assertTrue(missingModel.getMessage().startsWith("inputs/nope.onnx: ONNX model file not found"),
        missingModel.getMessage());
    IllegalArgumentException empty = assertThrows(IllegalArgumentException.class, () -> resolve("  "));
    assertTrue(empty.getMessage().contains("the spec is empty"), empty.getMessage());
  }

  @Test
  void specErrorsCarryFileLineAndColumnAndAreNotCached() {
    SpecException e = assertThrows(SpecException.class, () -> TestSupport.compiled("input x[2]; output x[0] * cso(x[1])"));
    assertTrue(e.getMessage().startsWith("<inline>:1:"), e.getMessage());
    assertTrue(e.getMessage().contains("did you mean 'cos'"), e.getMessage());
    SpecException again = assertThrows(SpecException.class, () -> TestSupport.compiled("input x[2]; output x[0] * cso(x[1])"));
    assertEquals(e.getMessage(), again.getMessage());
  }

  @Test
  void theCacheIsBoundedAndReturnsOneCompiledSpecPerSource() {
    SpecCache.clear();
    CompiledSpec first = TestSupport.compiled("input x; output x * 1");
    assertSame(first, TestSupport.compiled("input x; output x * 1"));
    for (int i = 2; i <= SafetyConf.DEFAULT_CACHE_ENTRIES + 10; i++) {
      TestSupport.compiled("input x; output x * " + i);
      assertTrue(SpecCache.size() <= SafetyConf.DEFAULT_CACHE_ENTRIES);
    }
    assertEquals(SafetyConf.DEFAULT_CACHE_ENTRIES, SpecCache.size());
    // least recently used first: the first entry is gone, the last ones are there
    CompiledSpec last = TestSupport.compiled("input x; output x * " + (SafetyConf.DEFAULT_CACHE_ENTRIES + 10));
    assertSame(last, TestSupport.compiled("input x; output x * " + (SafetyConf.DEFAULT_CACHE_ENTRIES + 10)));
    assertFalse(first == TestSupport.compiled("input x; output x * 1"), "evicted and compiled afresh");
  }

  @Test
  void concurrentLookupsAgreeOnOneInstance() throws Exception {
    SpecCache.clear();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<CompiledSpec>> fs = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        String spec = "input x[2]; output x[0] * x[1] + " + (i % 4);
        fs.add(pool.submit(() -> TestSupport.compiled(spec)));
      }
      Set<CompiledSpec> distinct = new HashSet<>();
      for (Future<CompiledSpec> f : fs) {
        distinct.add(f.get());
      }
      assertEquals(4, distinct.size());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void rowRules() {
    RowFunction grad = new RowFunction(SqlFunction.GRADIENT, null, TestSupport.TRUSTED);
    String spec = TestSupport.example("borehole.fn");
    assertNull(grad.apply(spec, null, null), "null x");
    assertNull(grad.apply(null, new double[8], null), "null spec");

    IllegalArgumentException shortX = assertThrows(IllegalArgumentException.class,
        () -> grad.apply(spec, new double[7], null));
    assertEquals("gradient: x has 7 values but the function " + spec + " takes 8 (inputs rw, r, Tu, Hu, Tl, Hl, L, Kw): "
        + "the value at position 8 (Kw) is missing (positions count from 1)", shortX.getMessage());
    IllegalArgumentException longX = assertThrows(IllegalArgumentException.class,
        () -> grad.apply(spec, new double[10], null));
    assertTrue(longX.getMessage().endsWith("the values from position 9 on are extra (positions count from 1)"),
        longX.getMessage());

    IllegalArgumentException nullElement = assertThrows(IllegalArgumentException.class,
        () -> grad.apply(spec, new Double[] {0.1, 2.0, null, 4.0, 5.0, 6.0, 7.0, 8.0}, null));
    assertTrue(nullElement.getMessage().startsWith("gradient: x has a null value at position 3"), nullElement.getMessage());

    double[] nan = {Double.NaN, 25000, 89000, 1050, 90, 760, 1400, 11000};
    double[] g = (double[]) grad.apply(spec, nan, null);
    assertTrue(Double.isNaN(g[0]), "NaN in, NaN out");

    RowFunction vjp = new RowFunction(SqlFunction.VJP, null, TestSupport.TRUSTED);
    IllegalArgumentException shortV = assertThrows(IllegalArgumentException.class,
        () -> vjp.apply(TestSupport.MULTI, new double[4], new double[2]));
    assertTrue(shortV.getMessage().startsWith("vjp: v has 2 values but the function <inline> takes 4 (outputs y[3], z): "
        + "the value at position 3 (y[2]) is missing"), shortV.getMessage());
    assertNull(vjp.apply(TestSupport.MULTI, new double[4], null), "null v");

    RowFunction jac = new RowFunction(SqlFunction.JACOBIAN, null, TestSupport.TRUSTED);
    double[][] j = (double[][]) jac.apply(TestSupport.MULTI, new Object[] {1, 2L, 3.0f, 0.5}, null);
    assertEquals(4, j.length);
    assertEquals(4, j[0].length);

    IllegalArgumentException notScalar = assertThrows(IllegalArgumentException.class,
        () -> new RowFunction(SqlFunction.HESSIAN, null, TestSupport.TRUSTED).apply(TestSupport.MULTI, new double[4], null));
    assertTrue(notScalar.getMessage().startsWith("hessian: the function <inline> has 4 output values (y[3], z)"),
        notScalar.getMessage());
  }
}
