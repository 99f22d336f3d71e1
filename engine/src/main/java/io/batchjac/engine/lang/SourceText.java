package io.batchjac.engine.lang;

/**
 * The text of a spec with its name, split into lines so that errors can quote the offending
 * line. Creates every {@link SpecException} with a position.
 */
final class SourceText {
  private final String name;
  private final String text;
  private final String[] lines;

  SourceText(String name, String text) {
    this.name = name;
    this.text = text;
    this.lines = text.split("\n", -1);
  }

  String name() {
    return name;
  }

  String text() {
    return text;
  }

  /** Line {@code line} (1-based) without its line terminator; "" beyond the end. */
  String line(int line) {
    if (line < 1 || line > lines.length) {
      return "";
    }
    String l = lines[line - 1];
    return l.endsWith("\r") ? l.substring(0, l.length() - 1) : l;
  }

  /** An error at a 1-based line and column. */
  SpecException error(int line, int column, String problem) {
    return new SpecException(name, line, column, problem, line(line));
  }

  /** An error at a token. */
  SpecException error(Token at, String problem) {
    return error(at.line(), at.column(), problem);
  }
}
