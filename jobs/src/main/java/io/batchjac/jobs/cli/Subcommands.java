package io.batchjac.jobs.cli;

import io.batchjac.jobs.core.Operation;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The derivative subcommands: each fixes the operation of {@link JobCommand}. */
final class Subcommands {
  private Subcommands() {}

  @Command(name = "jacobian", mixinStandardHelpOptions = true,
      description = "Per-sample Jacobians: an (M, N, B) .npy (Fortran order) or Parquet rows.")
  static final class Jacobian extends JobCommand {
    @Override
    Operation op() {
      return Operation.JACOBIAN;
    }
  }

  @Command(name = "jvp", mixinStandardHelpOptions = true,
      description = "Jacobian-vector products J(x_b) u_b: an (M, B) .npy or Parquet rows.")
  static final class Jvp extends JobCommand {
    @Option(names = "--tangent", required = true, paramLabel = "U", description = "Tangents: .npy of shape (B, N).")
    Path tangent;

    @Override
    Operation op() {
      return Operation.JVP;
    }

    @Override
    Path extra() {
      return tangent;
    }
  }

  @Command(name = "vjp", mixinStandardHelpOptions = true,
      description = "Vector-Jacobian products J(x_b)^T v_b: an (N, B) .npy or Parquet rows.")
  static final class Vjp extends JobCommand {
    @Option(names = "--cotangent", required = true, paramLabel = "V", description = "Cotangents: .npy of shape (B, M).")
    Path cotangent;

    @Override
    Operation op() {
      return Operation.VJP;
    }

    @Override
    Path extra() {
      return cotangent;
    }
  }

  @Command(name = "hessian", mixinStandardHelpOptions = true,
      description = "Per-sample Hessians of a one-output function: an (N, N, B) .npy or Parquet rows.")
  static final class Hessian extends JobCommand {
    @Override
    Operation op() {
      return Operation.HESSIAN;
    }
  }

  @Command(name = "eval", mixinStandardHelpOptions = true,
      description = "The function's values: an (M, B) .npy or Parquet rows.")
  static final class Eval extends JobCommand {
    @Override
    Operation op() {
      return Operation.EVAL;
    }
  }
}
