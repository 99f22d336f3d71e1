package io.batchjac.bench.compare;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A minimal JSON reader for the comparison's inputs (JMH's and the PyTorch peer's result files):
 * objects become {@code Map<String, Object>} (in order), arrays {@code List<Object>}, numbers
 * {@code Double}, plus {@code String}, {@code Boolean} and {@code null}. {@code NaN} and
 * {@code Infinity} (which Python's json writes) are accepted.
 */
final class Json {
  private final String s;
  private int i;

  private Json(String s) {
    this.s = s;
  }

  static Object parse(String text) {
    Json j = new Json(text);
    Object v = j.value();
    j.skip();
    if (j.i != text.length()) {
      throw j.error("trailing characters");
    }
    return v;
  }

  private Object value() {
    skip();
    if (i >= s.length()) {
      throw error("unexpected end");
    }
    char c = s.charAt(i);
    switch (c) {
      case '{' -> {
        i++;
        Map<String, Object> m = new LinkedHashMap<>();
        skip();
        if (peek('}')) {
          return m;
        }
        do {
          skip();
          String key = string();
          skip();
          expect(':');
          m.put(key, value());
          skip();
        } while (peek(','));
        expect('}');
        return m;
      }
      case '[' -> {
        i++;
        List<Object> l = new ArrayList<>();
        skip();
        if (peek(']')) {
          return l;
        }
        do {
          l.add(value());
          skip();
        } while (peek(','));
        expect(']');
        return l;
      }
      case '"' -> {
        return string();
      }
      default -> {
        return literal();
      }
    }
  }

  private Object literal() {
    int start = i;
    while (i < s.length() && ",}] \n\r\t".indexOf(s.charAt(i)) < 0) {
      i++;
    }
    String t = s.substring(start, i);
    return switch (t) {
      case "true" -> Boolean.TRUE;
      case "false" -> Boolean.FALSE;
      case "null" -> null;
      case "NaN" -> Double.NaN;
      case "Infinity" -> Double.POSITIVE_INFINITY;
      case "-Infinity" -> Double.NEGATIVE_INFINITY;
      default -> {
        try {
          yield Double.parseDouble(t);
        } catch (NumberFormatException e) {
          i = start;
          throw error("unexpected '" + t + "'");
        }
      }
    };
  }

  private String string() {
    expect('"');
    StringBuilder sb = new StringBuilder();
    while (i < s.length() && s.charAt(i) != '"') {
      char c = s.charAt(i++);
      if (c == '\\') {
        char e = s.charAt(i++);
        switch (e) {
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'r' -> sb.append('\r');
          case 'b' -> sb.append('\b');
          case 'f' -> sb.append('\f');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
            i += 4;
          }
          default -> sb.append(e);
        }
      } else {
        sb.append(c);
      }
    }
    expect('"');
    return sb.toString();
  }

  private void skip() {
    while (i < s.length() && Character.isWhitespace(s.charAt(i))) {
      i++;
    }
  }

  private boolean peek(char c) {
    if (i < s.length() && s.charAt(i) == c) {
      i++;
      return true;
    }
    return false;
  }

  private void expect(char c) {
    if (!peek(c)) {
      throw error("expected '" + c + "'");
    }
  }

  private IllegalArgumentException error(String what) {
    return new IllegalArgumentException("JSON at offset " + i + ": " + what);
  }
}
