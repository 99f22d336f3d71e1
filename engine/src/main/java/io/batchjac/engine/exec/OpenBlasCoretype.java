package io.batchjac.engine.exec;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The OpenBLAS kernel set ({@code OPENBLAS_CORETYPE}) to ask for on a CPU that Debian 12's
 * OpenBLAS 0.3.21 does not recognize. That build picks its kernels from the CPU's vendor, family
 * and model; on a CPU newer than its tables (an Intel family-6 model it does not list, an AMD
 * family after 0x19: Zen 5 is 0x1A) it falls back to generic or guessed kernels: "Prescott" on an
 * Intel Xeon model 207 (5x slower dgemm than SkylakeX there), "Cooperlake" on an AMD Zen 5 (close
 * to SkylakeX). This class reads the same facts from {@code /proc/cpuinfo}
 * ({@code vendor_id}, {@code cpu family}, {@code model}, {@code flags}) and answers:
 * <ul>
 *   <li>empty when OpenBLAS 0.3.21 knows the CPU (it then chooses well by itself), the vendor is
 *       neither Intel nor AMD, or the CPU has no AVX2 with FMA (the generic kernels are then
 *       about right);</li>
 *   <li>{@code SKYLAKEX} for an unknown CPU with AVX-512 (F, CD, DQ, BW, VL): on this project's
 *       machines the fastest measured, on Intel (model 207: 140 GFLOP/s against 28 for Prescott,
 *       117 SAPPHIRERAPIDS, 75 HASWELL) and on AMD Zen 5 alike (see docs/benchmarks.md);</li>
 *   <li>{@code HASWELL} (Intel) or {@code ZEN} (AMD) for an unknown CPU with AVX2 and FMA.</li>
 * </ul>
 * The caller never overrides an {@code OPENBLAS_CORETYPE} the user set (see
 * {@link #forEnvironment}). {@code bin/jvm-options.sh} runs {@link #main} to set the variable
 * before the JVM starts (OpenBLAS reads it once, when it loads); the jobs pass the driver's choice
 * to executors as {@code spark.executorEnv.OPENBLAS_CORETYPE}.
 */
public final class OpenBlasCoretype {
  /** The environment variable OpenBLAS reads when it loads. */
  public static final String VARIABLE = "OPENBLAS_CORETYPE";

  /**
   * Intel family-6 models (cpuinfo's {@code model}, i.e. extended model * 16 + model) with AVX2
   * that OpenBLAS 0.3.21's {@code driver/others/dynamic.c} recognizes: Haswell, Broadwell,
   * Skylake (client and X), Kaby/Coffee/Comet Lake, Cannon Lake, Ice Lake (client and SP),
   * Tiger Lake, Sapphire Rapids, Alder Lake, Cooper Lake and Knights Landing.
   */
  private static final Set<Integer> INTEL_KNOWN = Set.of(
      0x3C, 0x3D, 0x3F, 0x45, 0x46, 0x47, 0x4E, 0x4F, 0x55, 0x56, 0x57, 0x5E, 0x66, 0x6A, 0x6C,
      0x7D, 0x7E, 0x8C, 0x8D, 0x8E, 0x8F, 0x97, 0x9A, 0x9E, 0xA5, 0xA6, 0xA7);

  /** The last AMD (and Hygon) family OpenBLAS 0.3.21 recognizes: 0x19 (Zen 3 and 4). */
  private static final int AMD_LAST_KNOWN_FAMILY = 0x19;

  private static final List<String> AVX512 = List.of("avx512f", "avx512cd", "avx512dq", "avx512bw", "avx512vl");

  private OpenBlasCoretype() {}

  /** The facts of one CPU that the choice depends on, as {@code /proc/cpuinfo} states them. */
  public record Cpu(String vendor, int family, int model, Set<String> flags) {
    /** The first processor of a {@code /proc/cpuinfo} text; fields that are missing read as empty / -1. */
    public static Cpu parse(String cpuinfo) {
      String vendor = "";
      int family = -1;
      int model = -1;
      Set<String> flags = new HashSet<>();
      for (String line : cpuinfo.split("\n")) {
        int colon = line.indexOf(':');
        if (colon < 0) {
          if (line.isBlank() && !vendor.isEmpty()) {
            break; // end of the first processor's block
          }
          continue;
        }
        String key = line.substring(0, colon).strip();
        String value = line.substring(colon + 1).strip();
        switch (key) {
          case "vendor_id" -> vendor = value;
          case "cpu family" -> family = parseInt(value);
          case "model" -> model = parseInt(value);
          case "flags" -> flags.addAll(Arrays.asList(value.toLowerCase(Locale.ROOT).split("\\s+")));
          default -> { }
        }
      }
      return new Cpu(vendor, family, model, Set.copyOf(flags));
    }

    boolean has(String flag) {
      return flags.contains(flag);
    }

    boolean hasAvx512() {
      return flags.containsAll(AVX512);
    }

    boolean hasAvx2Fma() {
      return has("avx2") && has("fma");
    }

    boolean intel() {
      return vendor.equals("GenuineIntel");
    }

    boolean amd() {
      return vendor.equals("AuthenticAMD") || vendor.equals("HygonGenuine");
    }
  }

  /**
   * The kernel set to ask for on this CPU, or empty when OpenBLAS 0.3.21 chooses well by itself
   * (a CPU it knows, a vendor other than Intel/AMD, or no AVX2+FMA).
   */
  public static Optional<String> forCpu(Cpu cpu) {
    return knownToOpenBlas(cpu) ? Optional.empty() : bestFor(cpu);
  }

  /**
   * The kernel set matching the CPU's instructions whether or not OpenBLAS knows it: SKYLAKEX
   * with AVX-512, HASWELL / ZEN with AVX2 and FMA, else empty (the generic kernels are right).
   */
  public static Optional<String> bestFor(Cpu cpu) {
    if (!cpu.hasAvx2Fma()) {
      return Optional.empty();
    }
    if (cpu.hasAvx512()) {
      return Optional.of("SKYLAKEX");
    }
    return Optional.of(cpu.amd() ? "ZEN" : "HASWELL");
  }

  /** Whether OpenBLAS 0.3.21 recognizes the CPU (true for vendors this class does not judge). */
  static boolean knownToOpenBlas(Cpu cpu) {
    if (cpu.intel()) {
      return cpu.family() != 6 || INTEL_KNOWN.contains(cpu.model());
    }
    if (cpu.amd()) {
      return cpu.family() <= AMD_LAST_KNOWN_FAMILY;
    }
    return true;
  }

  /**
   * The value to set given the current one: empty when {@code current} is set (non-blank; the
   * user's choice is never overridden) or the CPU needs none, else {@link #forCpu}.
   */
  public static Optional<String> forEnvironment(String current, Cpu cpu) {
    if (current != null && !current.isBlank()) {
      return Optional.empty();
    }
    return forCpu(cpu);
  }

  /** This machine's CPU from {@code /proc/cpuinfo}, or empty when it cannot be read (not Linux). */
  public static Optional<Cpu> thisMachine() {
    try {
      return Optional.of(Cpu.parse(Files.readString(Path.of("/proc/cpuinfo"))));
    } catch (IOException | RuntimeException e) {
      return Optional.empty();
    }
  }

  /**
   * What {@code OPENBLAS_CORETYPE} should be in processes started from this one: the value of
   * this process's environment when set (the user's, or the launcher's choice), else the choice
   * for this machine's CPU; empty when neither applies.
   */
  public static Optional<String> forChildren() {
    String current = System.getenv(VARIABLE);
    if (current != null && !current.isBlank()) {
      return Optional.of(current);
    }
    return thisMachine().flatMap(OpenBlasCoretype::forCpu);
  }

  /**
   * Prints the kernel set to ask for on this machine (nothing when none) for the launcher:
   * {@code java -cp ENGINE_JAR io.batchjac.engine.exec.OpenBlasCoretype [CPUINFO_FILE]}. Never
   * fails: an unreadable file prints nothing.
   */
  public static void main(String[] args) {
    Optional<Cpu> cpu;
    if (args.length > 0) {
      try {
        cpu = Optional.of(Cpu.parse(Files.readString(Path.of(args[0]))));
      } catch (IOException | RuntimeException e) {
        cpu = Optional.empty();
      }
    } else {
      cpu = thisMachine();
    }
    cpu.flatMap(OpenBlasCoretype::forCpu).ifPresent(System.out::println);
  }

  private static int parseInt(String s) {
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }
}
