package io.batchjac.engine.lang;

/**
 * One lexical token with its 1-based position. {@code text} is the token as written, except for
 * strings, whose text is the content between the quotes, and the end-of-file token, whose text is
 * empty. A statement separator is a {@link Kind#NEWLINE} token whose text is {@code "\n"} or
 * {@code ";"}.
 */
record Token(Kind kind, String text, int line, int column) {
  /** Token classes. */
  enum Kind {
    /** A number literal: {@code 3}, {@code 2.5}, {@code .5}, {@code 1e-3}. */
    NUMBER,
    /** A name or keyword. */
    IDENT,
    /** A double-quoted string (text without quotes). */
    STRING,
    /** An operator or punctuation: {@code + - * / ^ @ ( ) [ ] , : = ~ < <= > >= == !=}. */
    SYMBOL,
    /** End of a statement: a line break or {@code ;}. */
    NEWLINE,
    /** End of the text. */
    EOF
  }

  /** True for the symbol {@code s}. */
  boolean is(String s) {
    return kind == Kind.SYMBOL && text.equals(s);
  }

  /** True for the name or keyword {@code w}. */
  boolean isWord(String w) {
    return kind == Kind.IDENT && text.equals(w);
  }

  /** The value of a number token. */
  double number() {
    return Double.parseDouble(text);
  }

  /** How the token is named in error messages ("found ..."). */
  String describe() {
    return switch (kind) {
      case NUMBER, IDENT, SYMBOL -> "'" + text + "'";
      case STRING -> "string \"" + text + "\"";
      case NEWLINE -> text.equals(";") ? "';'" : "end of line";
      case EOF -> "end of file";
    };
  }
}
