package io.batchjac.engine.exec;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Whether the system BLAS that dev.ludovic.netlib's {@code JNIBLAS} opens exists, looked up the
 * way the dynamic loader would find it, without loading anything. {@code JNIBLAS} calls
 * {@code dlopen("libblas.so.3")} (or the file named by the system property
 * {@code dev.ludovic.netlib.blas.nativeLibPath}); when that fails its native code prints
 * "netlib-blas: JNI_OnLoad: dlopen(libblas.so.3) failed: ..." on stderr, which a user cannot act
 * on. {@link Blas} asks here first and goes straight to the pure-Java BLAS when there is nothing
 * to open.
 */
final class SystemBlasLibrary {
  /** The file name {@code JNIBLAS} opens by default. */
  static final String NAME = "libblas.so.3";

  /** The system property naming another file for {@code JNIBLAS} to open. */
  static final String PATH_PROPERTY = "dev.ludovic.netlib.blas.nativeLibPath";

  /** The loader's trusted directories (glibc on x86-64 and aarch64, Debian multiarch included). */
  static final List<Path> DEFAULT_DIRS = List.of(Path.of("/lib"), Path.of("/usr/lib"), Path.of("/lib64"),
      Path.of("/usr/lib64"), Path.of("/lib/x86_64-linux-gnu"), Path.of("/usr/lib/x86_64-linux-gnu"),
      Path.of("/lib/aarch64-linux-gnu"), Path.of("/usr/lib/aarch64-linux-gnu"));

  private SystemBlasLibrary() {}

  /** Whether {@code JNIBLAS} will find a library to open on this machine. */
  static boolean present() {
    return present(System.getProperty(PATH_PROPERTY), System.getenv("LD_LIBRARY_PATH"),
        readOrEmpty(Path.of("/etc/ld.so.cache")), DEFAULT_DIRS);
  }

  /**
   * Whether a library is there: the file {@code explicitPath} when given (it is then the only
   * candidate, as for the loader), else {@link #NAME} in a directory of {@code ldLibraryPath}
   * (colon-separated, may be null), in the loader's cache ({@code ldCache}: the bytes of
   * {@code /etc/ld.so.cache}, which lists the file names it maps), or in one of {@code dirs}.
   */
  static boolean present(String explicitPath, String ldLibraryPath, byte[] ldCache, List<Path> dirs) {
    if (explicitPath != null && !explicitPath.isBlank()) {
      return Files.isRegularFile(Path.of(explicitPath));
    }
    List<Path> candidates = new ArrayList<>();
    if (ldLibraryPath != null) {
      for (String dir : ldLibraryPath.split(":")) {
        if (!dir.isBlank()) {
          candidates.add(Path.of(dir));
        }
      }
    }
    if (new String(ldCache, StandardCharsets.ISO_8859_1).contains(NAME)) {
      return true;
    }
    candidates.addAll(dirs);
    for (Path dir : candidates) {
      if (Files.exists(dir.resolve(NAME))) {
        return true;
      }
    }
    return false;
  }

  private static byte[] readOrEmpty(Path p) {
    try {
      return Files.readAllBytes(p);
    } catch (IOException | RuntimeException e) {
      return new byte[0];
    }
  }
}
