package io.batchjac.udfs;

import java.util.Locale;

/** Byte counts for messages: {@code 18.6 GiB}, {@code 512.0 MiB}, {@code 96 bytes}. */
public final class SizeText {
  private SizeText() {}

  public static String bytes(long n) {
    String[] units = {"KiB", "MiB", "GiB", "TiB"};
    if (n < 1024) {
      return n + " bytes";
    }
    double v = n;
    int u = -1;
    while (v >= 1024 && u < units.length - 1) {
      v /= 1024;
      u++;
    }
    return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
  }
}
