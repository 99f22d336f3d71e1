package io.batchjac.engine.exec;

import dev.ludovic.netlib.blas.BLAS;
import dev.ludovic.netlib.blas.JavaBLAS;
import dev.ludovic.netlib.blas.NativeBLAS;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The BLAS the engine multiplies with, chosen once per JVM through dev.ludovic.netlib:
 * native OpenBLAS (or MKL/BLIS) when the system's {@code libblas.so.3} is one of those; the
 * pure-Java {@code VectorBLAS} (or {@code Java11BLAS} without {@code jdk.incubator.vector})
 * otherwise, since Debian's reference libblas is slower than it. System property
 * {@code batchjac.blas} = {@code auto} (default), {@code native} or {@code java} overrides the
 * choice. {@link #describe()} says what runs, for reports and benchmark output. When no system
 * BLAS exists at all ({@link SystemBlasLibrary}), the native loader is not tried, so its
 * "dlopen(libblas.so.3) failed" message never reaches the user.
 */
public final class Blas {
  private static final Choice CHOICE = choose();

  private record Choice(BLAS blas, String description, boolean isNative) {}

  private Blas() {}

  /** The BLAS instance in use. */
  public static BLAS get() {
    return CHOICE.blas();
  }

  /** E.g. {@code "native OpenBLAS (JNIBLAS, /usr/lib/.../libopenblas.so.0)"} or {@code "VectorBLAS (pure Java)"}. */
  public static String describe() {
    return CHOICE.description();
  }

  /** Whether the BLAS in use is a native library (false: the pure-Java one). */
  public static boolean isNative() {
    return CHOICE.isNative();
  }

  /**
   * Prints {@link #describe()} after one small product (so a native library is loaded: with
   * {@code OPENBLAS_VERBOSE=2} OpenBLAS then prints the kernel set it runs, "Core: ...", on stderr).
   */
  public static void main(String[] args) {
    double[] c = new double[1];
    get().dgemm("N", "N", 1, 1, 1, 1.0, new double[] {2}, 0, 1, new double[] {3}, 0, 1, 0.0, c, 0, 1);
    System.out.println(describe());
  }

  private static Choice choose() {
    String want = System.getProperty("batchjac.blas", "auto").toLowerCase(Locale.ROOT);
    if (want.equals("native") || (!want.equals("java") && SystemBlasLibrary.present())) {
      try {
        NativeBLAS nat = NativeBLAS.getInstance();
        String lib = loadedNativeLibrary();
        boolean fast = lib != null && lib.matches(".*(openblas|mkl|blis).*");
        if (fast || want.equals("native")) {
          String which = lib == null ? "unknown library" : lib;
          return new Choice(nat, "native " + vendor(which) + " (" + nat.getClass().getSimpleName() + ", " + which + ")", true);
        }
      } catch (Throwable e) {
        if (want.equals("native")) {
          throw new IllegalStateException("batchjac.blas=native but no native BLAS loads: " + e.getMessage(), e);
        }
      }
    }
    JavaBLAS j = JavaBLAS.getInstance();
    return new Choice(j, j.getClass().getSimpleName() + " (pure Java)", false);
  }

  private static String vendor(String lib) {
    if (lib.contains("openblas")) {
      return "OpenBLAS";
    }
    if (lib.contains("mkl")) {
      return "MKL";
    }
    if (lib.contains("blis")) {
      return "BLIS";
    }
    return "BLAS";
  }

  /** The BLAS shared library mapped into this process (Linux), or null when unknown. */
  private static String loadedNativeLibrary() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
        int slash = line.indexOf('/');
        if (slash < 0) {
          continue;
        }
        String path = line.substring(slash);
        String file = path.substring(path.lastIndexOf('/') + 1);
        if (file.startsWith("libopenblas") || file.startsWith("libmkl_rt") || file.startsWith("libblis")) {
          return path;
        }
      }
      for (String line : Files.readAllLines(Path.of("/proc/self/maps"))) {
        int slash = line.indexOf('/');
        if (slash >= 0 && line.substring(slash).matches(".*/libblas\\.so.*")) {
          return Path.of(line.substring(slash)).toRealPath().toString();
        }
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }
}
