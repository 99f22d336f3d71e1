package io.batchjac.jobs.cli;

import io.batchjac.engine.exec.Blas;
import java.util.Optional;

/**
 * The one line a run prints on stderr when the engine multiplies with the pure-Java BLAS: which
 * BLAS runs and how to get the native one. Silent when native BLAS runs (the result line names
 * it). It replaces what a fresh machine used to print instead: the JVM's "Using incubator
 * modules" warning (dropped by {@code bin/batchjac}) and netlib's "dlopen(libblas.so.3) failed"
 * (no longer triggered, see {@link Blas}).
 */
final class BlasNotice {
  /** The command that installs native OpenBLAS on Debian and Ubuntu. */
  static final String INSTALL = "apt-get install libopenblas0";

  private BlasNotice() {}

  /** The line for this JVM's BLAS, if any. */
  static Optional<String> line() {
    return line(Blas.isNative(), Blas.describe(), "java".equalsIgnoreCase(System.getProperty("batchjac.blas")));
  }

  /**
   * The line for a BLAS described as {@code description}: empty when {@code isNative}; else
   * naming it, and either that the user asked for it ({@code forced}) or how to get native OpenBLAS.
   */
  static Optional<String> line(boolean isNative, String description, boolean forced) {
    if (isNative) {
      return Optional.empty();
    }
    return Optional.of("batchjac: BLAS: " + description + (forced
        ? ", as BATCHJAC_BLAS=java (-Dbatchjac.blas=java) asks"
        : "; for native OpenBLAS (faster matrix products) run: " + INSTALL));
  }
}
