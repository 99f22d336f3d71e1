package io.batchjac.jobs.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The CPU a benchmark ran on, as {@code /proc/cpuinfo} names it, with its family and model
 * (machines of one kind differ: figures are comparable only within one run on one CPU), e.g.
 * {@code "AMD EPYC (family 26, model 2), 2 cores"}.
 */
final class CpuModel {
  private CpuModel() {}

  /** This machine's CPU, or the JVM's architecture name when /proc/cpuinfo cannot be read. */
  static String name() {
    int cores = Runtime.getRuntime().availableProcessors();
    try {
      return describe(Files.readString(Path.of("/proc/cpuinfo")), cores);
    } catch (IOException | RuntimeException e) {
      return System.getProperty("os.arch") + ", " + cores + " cores";
    }
  }

  /** The first processor of a cpuinfo text: "model name (family F, model M), C cores". */
  static String describe(String cpuinfo, int cores) {
    String name = null;
    String family = null;
    String model = null;
    for (String line : cpuinfo.split("\n")) {
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip();
      String value = line.substring(colon + 1).strip();
      if (key.equals("model name") && name == null) {
        name = value;
      } else if (key.equals("cpu family") && family == null) {
        family = value;
      } else if (key.equals("model") && model == null) {
        model = value;
      }
    }
    String id = family == null ? "" : " (family " + family + ", model " + model + ")";
    return (name == null ? System.getProperty("os.arch") : name) + id + ", " + cores + " cores";
  }
}
