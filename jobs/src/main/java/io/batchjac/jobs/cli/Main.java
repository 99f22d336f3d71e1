package io.batchjac.jobs.cli;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;

/**
 * {@code bin/batchjac}: the command line. Exit status 0 on success, 2 on a usage error (with the
 * subcommand's usage), 1 on any other failure with one line on stderr (the stack trace only with
 * {@code --verbose}). A subcommand that runs first prints {@link BlasNotice}'s line when the
 * pure-Java BLAS runs.
 */
@Command(
    name = "batchjac",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "Per-sample derivatives (JVP, VJP, batched Jacobians, Hessians) over huge batches.",
    subcommands = {Subcommands.Jacobian.class, Subcommands.Jvp.class, Subcommands.Vjp.class,
        Subcommands.Hessian.class, Subcommands.Eval.class, SensitivityCommand.class, SqlCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main {
  @Option(names = "--verbose", scope = ScopeType.INHERIT, description = "Print stack traces of errors.")
  boolean verbose;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the command line and returns its exit status (for tests). */
  public static int run(String... args) {
    return run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args);
  }

  /** Runs the command line with the given streams and returns its exit status. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    Main main = new Main();
    CommandLine cl = new CommandLine(main);
    cl.setOut(out);
    cl.setErr(err);
    cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
      cmd.getErr().println("batchjac: error: " + (OutOfMemory.is(ex) ? OutOfMemory.report(cmd.getCommandName()) : oneLine(ex)));
      if (main.verbose) {
        ex.printStackTrace(cmd.getErr());
      }
      cmd.getErr().flush();
      return 1;
    });
    cl.setExecutionStrategy(parsed -> {
      if (runsASubcommand(parsed)) {
        BlasNotice.line().ifPresent(line -> {
          err.println(line);
          err.flush();
        });
      }
      return new CommandLine.RunLast().execute(parsed);
    });
    try {
      return cl.execute(args);
    } catch (OutOfMemoryError e) {
      err.println("batchjac: error: " + OutOfMemory.report(args.length > 0 ? args[0] : "batchjac"));
      if (main.verbose) {
        e.printStackTrace(err);
      }
      err.flush();
      return 1;
    }
  }

  /** Whether the parsed line runs a subcommand (not help, usage or version only). */
  private static boolean runsASubcommand(CommandLine.ParseResult parsed) {
    if (!parsed.hasSubcommand()) {
      return false;
    }
    for (CommandLine.ParseResult p = parsed; p != null; p = p.hasSubcommand() ? p.subcommand() : null) {
      if (p.isUsageHelpRequested() || p.isVersionHelpRequested()
          || p.commandSpec().userObject() instanceof CommandLine.HelpCommand) {
        return false;
      }
    }
    return true;
  }

  /**
   * The message that explains a failure: the innermost cause of Spark's and I/O wrappers, and the
   * file Spark was reading when it failed (Spark names it in a wrapper, e.g. FAILED_READ_FILE, that
   * the innermost cause does not).
   */
  static String oneLine(Throwable ex) {
    String m = innermostMessage(ex);
    String file = fileBeingRead(ex);
    return file == null || m.contains(file) ? m : m + " (while reading " + file + ")";
  }

  private static String fileBeingRead(Throwable ex) {
    for (Throwable t = ex; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof org.apache.spark.SparkThrowable st) {
        String path = st.getMessageParameters().get("path");
        if (path != null && !path.isBlank()) {
          return path.startsWith("file://") ? path.substring("file://".length()) : path;
        }
      }
    }
    return null;
  }

  private static String innermostMessage(Throwable ex) {
    Throwable t = ex;
    while (t.getCause() != null && t.getCause() != t
        && (t instanceof org.apache.spark.SparkException || t instanceof java.io.UncheckedIOException
            || t instanceof java.util.concurrent.ExecutionException || t.getMessage() == null
            || t.getClass().getName().startsWith("org.apache.spark") || t.getClass().getName().startsWith("scala."))) {
      t = t.getCause();
    }
    String m = t.getMessage();
    if (t instanceof java.nio.file.NoSuchFileException) {
      m = t.getMessage() + ": file not found";
    } else if (t instanceof java.nio.file.FileAlreadyExistsException) {
      m = t.getMessage() + ": already exists";
    }
    if (m == null || m.isBlank()) {
      m = t.getClass().getSimpleName();
    }
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = Main.class.getPackage().getImplementationVersion();
      return new String[] {"batchjac " + (v == null ? "dev" : v)};
    }
  }
}
