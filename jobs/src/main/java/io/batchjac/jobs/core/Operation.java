package io.batchjac.jobs.core;

import java.util.Locale;

/**
 * What a job computes per sample, and the layout of its result (docs/cli.md, "Output files"): batch last,
 * Fortran order, so that sample b's block of {@link #perSample} values is contiguous.
 * <pre>
 *   eval (M, B)   jvp (M, B)   vjp (N, B)   jacobian (M, N, B)   hessian (N, N, B)
 * </pre>
 * N is the size of what is differentiated (the inputs, or the {@code --wrt} parameters).
 */
public enum Operation {
  EVAL("value"),
  JVP("jvp"),
  VJP("vjp"),
  JACOBIAN("jacobian"),
  HESSIAN("hessian");

  private final String column;

  Operation(String column) {
    this.column = column;
  }

  /** The Parquet column of the result (and the subcommand's name for all but eval). */
  public String column() {
    return column;
  }

  public String cliName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The engine's operation this job runs (its layout, validation and compilation). */
  public io.batchjac.engine.api.Operation engineOp() {
    return switch (this) {
      case EVAL -> io.batchjac.engine.api.Operation.EVALUATE;
      case JVP -> io.batchjac.engine.api.Operation.JVP;
      case VJP -> io.batchjac.engine.api.Operation.VJP;
      case JACOBIAN -> io.batchjac.engine.api.Operation.JACOBIAN;
      case HESSIAN -> io.batchjac.engine.api.Operation.HESSIAN;
    };
  }

  /** The per-sample dimensions of the result (without the batch axis), Fortran order. */
  public int[] sampleDims(int m, int n) {
    return engineOp().sampleDims(m, n);
  }

  /** Values per sample (callers check that it fits an int, see MemoryPlan). */
  public int perSample(int m, int n) {
    return (int) engineOp().perSample(m, n);
  }

  /** Width of the extra per-sample argument (u for jvp, v for vjp), or 0. */
  public int extraWidth(int m, int n) {
    return engineOp().extraWidth(m, n);
  }
}
