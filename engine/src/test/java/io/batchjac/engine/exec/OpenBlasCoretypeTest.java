package io.batchjac.engine.exec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.exec.OpenBlasCoretype.Cpu;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The kernel-set choice on sample CPUs, as /proc/cpuinfo describes them. */
class OpenBlasCoretypeTest {
  /** The flags of this project's AMD EPYC (family 26 = Zen 5), AVX-512 included. */
  static final String ZEN5_FLAGS = "fpu vme de pse tsc msr pae mce cx8 apic sep pge mca cmov pat pse36 clflush mmx fxsr sse"
      + " sse2 ht syscall nx mmxext lm pni pclmulqdq ssse3 fma cx16 sse4_1 sse4_2 x2apic movbe popcnt aes xsave avx f16c"
      + " rdrand hypervisor lahf_lm bmi1 avx2 bmi2 erms avx512f avx512dq adx avx512ifma clflushopt clwb avx512cd sha_ni"
      + " avx512bw avx512vl xsaveopt avx_vnni avx512_bf16 avx512vbmi avx512_vbmi2 gfni vaes avx512_vnni avx512_bitalg";
  static final String AVX2_FLAGS = "fpu sse sse2 ssse3 fma sse4_1 sse4_2 popcnt avx f16c bmi1 avx2 bmi2";
  static final String SSE_FLAGS = "fpu sse sse2 ssse3 sse4_1 sse4_2 popcnt";

  static String cpuinfo(String vendor, int family, int model, String flags) {
    return "processor\t: 0\nvendor_id\t: " + vendor + "\ncpu family\t: " + family + "\nmodel\t\t: " + model
        + "\nmodel name\t: test CPU\nflags\t\t: " + flags + "\n\n";
  }

  static Optional<String> choice(String vendor, int family, int model, String flags) {
    return OpenBlasCoretype.forCpu(Cpu.parse(cpuinfo(vendor, family, model, flags)));
  }

  @Test
  void parsesTheFirstProcessorOfCpuinfo() {
    String two = cpuinfo("AuthenticAMD", 26, 2, ZEN5_FLAGS) + cpuinfo("GenuineIntel", 6, 85, SSE_FLAGS + " second_cpu_only");
    Cpu cpu = Cpu.parse(two);
    assertEquals("AuthenticAMD", cpu.vendor());
    assertEquals(26, cpu.family());
    assertEquals(2, cpu.model());
    assertTrue(cpu.flags().contains("avx512bw"));
    assertFalse(cpu.flags().contains("second_cpu_only"), "the second processor's flags are not read: " + cpu.flags());
  }

  @Test
  void unknownAvx512CpusGetSkylakeX() {
    assertEquals(Optional.of("SKYLAKEX"), choice("AuthenticAMD", 26, 2, ZEN5_FLAGS), "AMD Zen 5 (family 0x1A)");
    assertEquals(Optional.of("SKYLAKEX"), choice("GenuineIntel", 6, 207, ZEN5_FLAGS), "Intel model 207 (Emerald Rapids)");
  }

  @Test
  void unknownAvx2CpusGetTheVendorsAvx2Kernels() {
    assertEquals(Optional.of("HASWELL"), choice("GenuineIntel", 6, 0xB7, AVX2_FLAGS), "Raptor Lake");
    assertEquals(Optional.of("ZEN"), choice("AuthenticAMD", 26, 0x44, AVX2_FLAGS), "a Zen 5 without AVX-512");
  }

  @Test
  void cpusOpenBlasKnowsAreLeftToIt() {
    assertEquals(Optional.empty(), choice("GenuineIntel", 6, 85, ZEN5_FLAGS), "Skylake-X / Cascade Lake");
    assertEquals(Optional.empty(), choice("GenuineIntel", 6, 0x8F, ZEN5_FLAGS), "Sapphire Rapids");
    assertEquals(Optional.empty(), choice("GenuineIntel", 6, 0x3F, AVX2_FLAGS), "Haswell-EP");
    assertEquals(Optional.empty(), choice("AuthenticAMD", 25, 1, ZEN5_FLAGS), "Zen 3/4 (family 0x19)");
    assertEquals(Optional.empty(), choice("AuthenticAMD", 23, 49, AVX2_FLAGS), "Zen 2 (family 0x17)");
  }

  @Test
  void cpusWithoutAvx2OrOfOtherVendorsGetNothing() {
    assertEquals(Optional.empty(), choice("GenuineIntel", 6, 0xCF, SSE_FLAGS), "no AVX2: generic kernels are right");
    assertEquals(Optional.empty(), choice("AuthenticAMD", 26, 2, "avx2 avx512f avx512cd avx512dq avx512bw avx512vl"),
        "AVX2 without FMA");
    assertEquals(Optional.empty(), choice("CentaurHauls", 7, 0x5B, ZEN5_FLAGS), "another vendor");
    Cpu arm = Cpu.parse("processor\t: 0\nBogoMIPS\t: 50.00\nFeatures\t: fp asimd evtstrm aes\nCPU implementer\t: 0x41\n\n");
    assertEquals(Optional.empty(), OpenBlasCoretype.forCpu(arm), "an aarch64 cpuinfo");
    assertEquals(Optional.empty(), OpenBlasCoretype.forCpu(Cpu.parse("")), "an empty cpuinfo");
  }

  @Test
  void aValueTheUserSetIsNeverOverridden() {
    Cpu zen5 = Cpu.parse(cpuinfo("AuthenticAMD", 26, 2, ZEN5_FLAGS));
    assertEquals(Optional.empty(), OpenBlasCoretype.forEnvironment("HASWELL", zen5));
    assertEquals(Optional.empty(), OpenBlasCoretype.forEnvironment("PRESCOTT", zen5));
    assertEquals(Optional.of("SKYLAKEX"), OpenBlasCoretype.forEnvironment(null, zen5));
    assertEquals(Optional.of("SKYLAKEX"), OpenBlasCoretype.forEnvironment(" ", zen5), "blank counts as unset");
  }

  @Test
  void flagsAreMatchedAsWholeWords() {
    Cpu cpu = new Cpu("AuthenticAMD", 26, 2, Set.of("avx2", "fma", "avx512f", "avx512cd", "avx512dq", "avx512bw"));
    assertEquals(Optional.of("ZEN"), OpenBlasCoretype.forCpu(cpu), "avx512vl missing: not the AVX-512 kernels");
  }
}
