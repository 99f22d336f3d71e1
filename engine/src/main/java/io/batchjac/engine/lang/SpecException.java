package io.batchjac.engine.lang;

/**
 * An error in a function-language spec, located at {@code file:line:column}.
 *
 * <p>{@link #getMessage()} is {@code file:line:column: problem}, for example
 * {@code f.fn:4:12: unknown name 'tnah'; did you mean 'tanh'?}. {@code file} is the spec path as
 * given, or {@code <inline>} for inline specs; {@code line} and {@code column} are 1-based and
 * count characters (a tab is one column). Errors that concern the spec as a whole (an unreadable
 * file) have no position: {@link #line()} and {@link #column()} are 0 and the message is
 * {@code file: problem}.
 *
 * <p>{@link #excerpt()} gives the offending source line with a caret under the column, for
 * command-line tools:
 * <pre>
 * h = tnah(x)
 *     ^
 * </pre>
 */
public class SpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final int line;
  private final int column;
  private final String problem;
  private final String sourceLine;

  /**
   * An error at a position.
   *
   * @param file the spec's name ({@code <inline>} for inline specs)
   * @param line 1-based line, or 0 when the error has no position
   * @param column 1-based column, or 0 when the error has no position
   * @param problem what was expected and what was found
   * @param sourceLine the text of the offending line (for {@link #excerpt()}), or null
   */
  public SpecException(String file, int line, int column, String problem, String sourceLine) {
    super(format(file, line, column, problem));
    this.file = file;
    this.line = line;
    this.column = column;
    this.problem = problem;
    this.sourceLine = sourceLine;
  }

  /** An error about the whole spec (no position), e.g. a file that cannot be read. */
  public SpecException(String file, String problem, Throwable cause) {
    super(format(file, 0, 0, problem), cause);
    this.file = file;
    this.line = 0;
    this.column = 0;
    this.problem = problem;
    this.sourceLine = null;
  }

  private static String format(String file, int line, int column, String problem) {
    return line > 0 ? file + ":" + line + ":" + column + ": " + problem : file + ": " + problem;
  }

  /** The spec's name: its path as given, or {@code <inline>}. */
  public String file() {
    return file;
  }

  /** 1-based line, 0 when the error has no position. */
  public int line() {
    return line;
  }

  /** 1-based column, 0 when the error has no position. */
  public int column() {
    return column;
  }

  /** The message without the {@code file:line:column: } prefix. */
  public String problem() {
    return problem;
  }

  /**
   * The offending source line and, below it, a {@code ^} under the column (tabs in the source
   * are kept in the caret line so they align); the empty string when there is no position.
   */
  public String excerpt() {
    if (sourceLine == null || line <= 0) {
      return "";
    }
    StringBuilder caret = new StringBuilder();
    for (int i = 0; i < column - 1; i++) {
      caret.append(i < sourceLine.length() && sourceLine.charAt(i) == '\t' ? '\t' : ' ');
    }
    return sourceLine + "\n" + caret + "^";
  }
}
