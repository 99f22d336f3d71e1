package io.batchjac.engine.lang;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a spec into {@link Token}s, each with its 1-based line and column.
 *
 * <p>Numbers: {@code 3}, {@code 2.5}, {@code 2.}, {@code .5}, {@code 1e-3}, {@code 6.02E23}.
 * Names: a letter or {@code _}, then letters, digits and {@code _}. Strings: double quotes, no
 * escapes, on one line. Symbols: {@code + - * / ^ @ ( ) [ ] , : = ~ < <= > >= == !=}. {@code #}
 * starts a comment to the end of the line. Line breaks and {@code ;} end statements
 * ({@link Token.Kind#NEWLINE}); line breaks inside parentheses or brackets are ignored, so long
 * expressions and matrices may span lines. The list always ends with one {@link Token.Kind#EOF}
 * token placed just after the last non-blank character.
 *
 * <p>Any other character, an unterminated string or a malformed number is a {@link SpecException}
 * at its position.
 */
final class Lexer {
  private static final String SINGLE = "+-*/^@()[],:~.";

  private final SourceText src;
  private final String s;
  private final List<Token> out = new ArrayList<>();
  private int pos;
  private int line = 1;
  private int col = 1;
  private int depth;

  private Lexer(SourceText src) {
    this.src = src;
    this.s = src.text();
  }

  /** The tokens of {@code src}, ending with EOF. */
  static List<Token> tokenize(SourceText src) {
    return new Lexer(src).run();
  }

  private List<Token> run() {
    while (pos < s.length()) {
      char c = s.charAt(pos);
      if (c == '\n') {
        if (depth == 0) {
          add(Token.Kind.NEWLINE, "\n", line, col);
        }
        pos++;
        line++;
        col = 1;
      } else if (c == ' ' || c == '\t' || c == '\r' || c == '\f') {
        advance(1);
      } else if (c == '#') {
        while (pos < s.length() && s.charAt(pos) != '\n') {
          advance(1);
        }
      } else if (c == ';') {
        add(Token.Kind.NEWLINE, ";", line, col);
        advance(1);
      } else if (isDigit(c) || (c == '.' && pos + 1 < s.length() && isDigit(s.charAt(pos + 1)))) {
        number();
      } else if (isNameStart(c)) {
        int start = pos;
        int startCol = col;
        while (pos < s.length() && isNamePart(s.charAt(pos))) {
          advance(1);
        }
        add(Token.Kind.IDENT, s.substring(start, pos), line, startCol);
      } else if (c == '"') {
        string();
      } else {
        symbol(c);
      }
    }
    int[] end = endPosition();
    add(Token.Kind.EOF, "", end[0], end[1]);
    return out;
  }

  private void number() {
    int start = pos;
    int startCol = col;
    skipDigits();
    if (pos < s.length() && s.charAt(pos) == '.') {
      advance(1);
      skipDigits();
    }
    if (pos < s.length() && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
      int k = pos + 1;
      if (k < s.length() && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
        k++;
      }
      if (k < s.length() && isDigit(s.charAt(k))) {
        advance(k - pos);
        skipDigits();
      } else {
        int stop = k;
        while (stop < s.length() && isNamePart(s.charAt(stop))) {
          stop++;
        }
        throw src.error(line, startCol, "malformed number '" + s.substring(start, stop)
            + "': an exponent needs digits, as in 1e-3");
      }
    }
    String text = s.substring(start, pos);
    if (pos < s.length() && isNameStart(s.charAt(pos))) {
      int stop = pos;
      while (stop < s.length() && isNamePart(s.charAt(stop))) {
        stop++;
      }
      String name = s.substring(pos, stop);
      throw src.error(line, col, "expected an operator after '" + text + "' but found '" + name
          + "' (write " + text + "*" + name + ")");
    }
    if (Double.isInfinite(Double.parseDouble(text))) {
      throw src.error(line, startCol, "number '" + text + "' is too large for a double");
    }
    add(Token.Kind.NUMBER, text, line, startCol);
  }

  private void string() {
    int startCol = col;
    int startLine = line;
    int k = pos + 1;
    while (k < s.length() && s.charAt(k) != '"' && s.charAt(k) != '\n') {
      k++;
    }
    if (k >= s.length() || s.charAt(k) != '"') {
      throw src.error(startLine, startCol, "unterminated string: expected a closing '\"' but found "
          + (k >= s.length() ? "end of file" : "end of line"));
    }
    String content = s.substring(pos + 1, k);
    advance(k + 1 - pos);
    add(Token.Kind.STRING, content, startLine, startCol);
  }

  private void symbol(char c) {
    char next = pos + 1 < s.length() ? s.charAt(pos + 1) : 0;
    String two = "" + c + next;
    if (two.equals("<=") || two.equals(">=") || two.equals("==") || two.equals("!=")) {
      add(Token.Kind.SYMBOL, two, line, col);
      advance(2);
      return;
    }
    if (two.equals("**")) {
      throw src.error(line, col, "unexpected '**': write '^' for powers, as in x^2");
    }
    if (c == '<' || c == '>' || c == '=') {
      add(Token.Kind.SYMBOL, String.valueOf(c), line, col);
      advance(1);
      return;
    }
    if (SINGLE.indexOf(c) >= 0) {
      if (c == '(' || c == '[') {
        depth++;
      } else if ((c == ')' || c == ']') && depth > 0) {
        depth--;
      }
      add(Token.Kind.SYMBOL, String.valueOf(c), line, col);
      advance(1);
      return;
    }
    String shown = Character.isISOControl(c) || Character.isWhitespace(c) || Character.isSpaceChar(c)
        ? String.format("U+%04X", (int) c) : "'" + c + "'";
    String hint = c == '!' ? " (did you mean '!='?)" : c == '\'' ? " (strings use double quotes)" : "";
    throw src.error(line, col, "unexpected character " + shown + hint);
  }

  private void skipDigits() {
    while (pos < s.length() && isDigit(s.charAt(pos))) {
      advance(1);
    }
  }

  /** Line and column just after the last character that is not blank. */
  private int[] endPosition() {
    int end = s.length();
    while (end > 0 && Character.isWhitespace(s.charAt(end - 1))) {
      end--;
    }
    int l = 1;
    int c = 1;
    for (int i = 0; i < end; i++) {
      if (s.charAt(i) == '\n') {
        l++;
        c = 1;
      } else {
        c++;
      }
    }
    return new int[] {l, c};
  }

  private void advance(int n) {
    pos += n;
    col += n;
  }

  private void add(Token.Kind kind, String text, int l, int c) {
    out.add(new Token(kind, text, l, c));
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static boolean isNameStart(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
  }

  private static boolean isNamePart(char c) {
    return isNameStart(c) || isDigit(c);
  }
}
