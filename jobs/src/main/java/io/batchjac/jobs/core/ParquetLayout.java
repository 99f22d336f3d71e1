package io.batchjac.jobs.core;

import java.util.Locale;

/**
 * How a {@code .parquet} result stores a per-sample matrix (the jacobian's (M, N), the hessian's
 * (N, N)); vectors (value, jvp, vjp) are {@code array<double>} in both.
 * <ul>
 *   <li>{@link #NESTED} (default): {@code array<array<double>>}, [row][column]: SQL indexes
 *       {@code jacobian[m][n]}, pyarrow reads a list of lists;</li>
 *   <li>{@link #FLAT}: one {@code array<double>} of M*N values, row-major ({@code [m * N + n]}),
 *       the column's metadata holding {@code rows} = M and {@code cols} = N (and {@code layout} =
 *       {@code "row-major"}); several times faster to write and read (see docs/cli.md).</li>
 * </ul>
 */
public enum ParquetLayout {
  NESTED,
  FLAT;

  /** From the CLI value ({@code nested} or {@code flat}, any case). */
  public static ParquetLayout parse(String s) {
    for (ParquetLayout l : values()) {
      if (l.name().equalsIgnoreCase(s.strip())) {
        return l;
      }
    }
    throw new IllegalArgumentException("--parquet-layout must be nested or flat, got '" + s + "'");
  }

  /** The CLI spelling. */
  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
