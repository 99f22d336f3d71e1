package io.batchjac.jobs.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.exec.OpenBlasCoretype;
import io.batchjac.jobs.core.ExecutorBlasEnvironment;
import java.util.Optional;
import org.apache.spark.SparkConf;
import org.junit.jupiter.api.Test;

/** What the CLI says about the BLAS: the pure-Java notice, the OpenBLAS core, the CPU, the executors' setting. */
class BlasReportTest {
  static final OpenBlasCoretype.Cpu ZEN5 = OpenBlasCoretype.Cpu.parse(
      "vendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\n"
          + "flags\t\t: sse2 fma avx avx2 avx512f avx512cd avx512dq avx512bw avx512vl\n\n");
  static final OpenBlasCoretype.Cpu OLD = OpenBlasCoretype.Cpu.parse(
      "vendor_id\t: GenuineIntel\ncpu family\t: 6\nmodel\t\t: 23\nflags\t\t: sse2 ssse3 sse4_1\n\n");

  @Test
  void thePureJavaBlasGetsOneLineSayingHowToGetTheNativeOne() {
    assertEquals(Optional.of("batchjac: BLAS: VectorBLAS (pure Java); for native OpenBLAS (faster matrix products) run: "
        + "apt-get install libopenblas0"), BlasNotice.line(false, "VectorBLAS (pure Java)", false));
    assertEquals(Optional.of("batchjac: BLAS: Java11BLAS (pure Java), as BATCHJAC_BLAS=java (-Dbatchjac.blas=java) asks"),
        BlasNotice.line(false, "Java11BLAS (pure Java)", true));
    assertEquals(Optional.empty(), BlasNotice.line(true, "native OpenBLAS (JNIBLAS, /x/libopenblas.so.0)", false));
  }

  @Test
  void theCoreIsReadFromOpenBlasVerboseOutput() {
    assertEquals(Optional.of("Cooperlake"), OpenBlasCore.parse("Core: Cooperlake\nnative OpenBLAS (JNIBLAS, ...)\n"));
    assertEquals(Optional.empty(), OpenBlasCore.parse("VectorBLAS (pure Java)\n"));
  }

  @Test
  void theCoreReportSaysWhoChoseIt() {
    assertEquals("Zen (chosen by OpenBLAS)", OpenBlasCore.describe("Zen", null, false));
    assertEquals("SkylakeX (OPENBLAS_CORETYPE=SKYLAKEX, chosen by bin/batchjac for this CPU)",
        OpenBlasCore.describe("SkylakeX", "SKYLAKEX", true));
    assertEquals("Haswell (OPENBLAS_CORETYPE=Haswell, set by you)", OpenBlasCore.describe("Haswell", "Haswell", false));
  }

  @Test
  void genericKernelsOnAModernCpuGiveOneWarningWithTheFix() {
    Optional<String> w = OpenBlasCore.genericWarning("Prescott", ZEN5, 28.04);
    assertTrue(w.isPresent());
    assertTrue(w.get().startsWith("WARNING: OpenBLAS runs its generic Prescott kernels on this CPU"), w.get());
    assertTrue(w.get().contains("(28.0 GFLOP/s)") && w.get().contains("export OPENBLAS_CORETYPE=SKYLAKEX")
        && w.get().contains("spark.executorEnv.OPENBLAS_CORETYPE=SKYLAKEX") && !w.get().contains("\n"), w.get());
    assertEquals(Optional.empty(), OpenBlasCore.genericWarning("SkylakeX", ZEN5, 140), "not a generic core");
    assertEquals(Optional.empty(), OpenBlasCore.genericWarning("Haswell", ZEN5, 75), "AVX2 kernels are not generic");
    assertEquals(Optional.empty(), OpenBlasCore.genericWarning("Prescott", OLD, 5), "nothing better for an old CPU");
  }

  @Test
  void theCpuModelNamesFamilyAndModel() {
    assertEquals("AMD EPYC (family 26, model 2), 2 cores", CpuModel.describe(
        "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\nmodel name\t: AMD EPYC\n\n"
            + "processor\t: 1\ncpu family\t: 99\nmodel\t\t: 9\nmodel name\t: other\n", 2));
  }

  @Test
  void executorsGetTheDriversChoiceUnlessConfigured() {
    SparkConf none = new SparkConf(false);
    assertEquals(Optional.of("SKYLAKEX"), ExecutorBlasEnvironment.value(none, Optional.of("SKYLAKEX")));
    assertEquals(Optional.empty(), ExecutorBlasEnvironment.value(none, Optional.empty()));
    SparkConf user = new SparkConf(false).set("spark.executorEnv.OPENBLAS_CORETYPE", "HASWELL");
    assertEquals(Optional.empty(), ExecutorBlasEnvironment.value(user, Optional.of("SKYLAKEX")), "never overridden");
  }
}
