package io.batchjac.engine.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class LexerTest {
  private static List<Token> lex(String text) {
    return Lexer.tokenize(new SourceText("f.fn", text));
  }

  /** Tokens as kind:text@line:col, for compact assertions. */
  private static String show(String text) {
    return lex(text).stream()
        .map(t -> (t.kind() == Token.Kind.STRING ? "T" : t.kind().name().substring(0, 1)) + ":" + t.text().replace("\n", "\\n") + "@" + t.line() + ":" + t.column())
        .collect(Collectors.joining(" "));
  }

  private static SpecException lexError(String text) {
    return assertThrows(SpecException.class, () -> lex(text));
  }

  @Test
  void numbersInAllForms() {
    List<Token> ts = lex("3 2.5 .5 2. 1e-3 6.02E23 1e+2");
    double[] expected = {3, 2.5, 0.5, 2.0, 1e-3, 6.02e23, 100};
    for (int i = 0; i < expected.length; i++) {
      assertEquals(Token.Kind.NUMBER, ts.get(i).kind());
      assertEquals(expected[i], ts.get(i).number());
    }
    assertEquals(Token.Kind.EOF, ts.get(expected.length).kind());
  }

  @Test
  void namesSymbolsStringsAndPositions() {
    assertEquals("I:y@1:1 S:=@1:3 I:a_1@1:5 S:<=@1:9 N:2@1:12 S:@@1:14 S:(@1:16 T:w.npy@1:17 S:)@1:24 E:@1:25",
        show("y = a_1 <= 2 @ (\"w.npy\")"));
    assertEquals("S:+@1:1 S:-@1:2 S:*@1:3 S:/@1:4 S:^@1:5 S:[@1:6 S:]@1:7 S:,@1:8 S::@1:9 S:~@1:10"
        + " S:<@1:11 S:>@1:12 S:>=@1:13 S:==@1:15 S:!=@1:17 E:@1:19", show("+-*/^[],:~<>>===!="));
  }

  @Test
  void newlinesSemicolonsAndComments() {
    assertEquals("I:a@1:1 N:;@1:2 I:b@1:4 N:\\n@1:15 I:c@2:3 E:@2:4", show("a; b # comment\n  c"));
    assertEquals("I:c@2:3 N:\\n@2:4 N:\\n@3:1 E:@2:4", show("\n  c\n\n").substring(9));
  }

  @Test
  void lineBreaksInsideBracketsAreIgnored() {
    assertEquals("I:f@1:1 S:(@1:2 N:1@1:3 S:,@1:4 N:2@2:3 S:)@2:4 N:\\n@2:5 I:x@3:1 E:@3:2",
        show("f(1,\n  2)\nx"));
  }

  @Test
  void crlfLineEndings() {
    assertEquals("I:a@1:1 N:\\n@1:3 I:b@2:1 N:\\n@2:3 E:@2:2", show("a\r\nb\r\n"));
  }

  @Test
  void endOfFileIsAfterTheLastNonBlankCharacter() {
    assertEquals("E:@1:1", show(""));
    assertEquals("I:x@1:1 N:\\n@1:2 N:\\n@2:1 E:@1:2", show("x\n\n  "));
  }

  @Test
  void badCharacter() {
    SpecException e = lexError("y = x $ 2");
    assertEquals("f.fn:1:7: unexpected character '$'", e.getMessage());
    assertEquals("y = x $ 2\n      ^", e.excerpt());
    assertEquals("f.fn:2:3: unexpected character '!' (did you mean '!='?)", lexError("a\nb ! c").getMessage());
    assertEquals("f.fn:1:5: unexpected character U+00A0", lexError("a = \u00a0b").getMessage());
  }

  @Test
  void unterminatedString() {
    assertEquals("f.fn:1:16: unterminated string: expected a closing '\"' but found end of line",
        lexError("param W = load(\"w.npy)\noutput W").getMessage());
    assertEquals("f.fn:1:6: unterminated string: expected a closing '\"' but found end of file",
        lexError("load(\"x").getMessage());
  }

  @Test
  void malformedNumbers() {
    assertEquals("f.fn:1:5: malformed number '1e': an exponent needs digits, as in 1e-3",
        lexError("y = 1e").getMessage());
    assertEquals("f.fn:1:6: expected an operator after '2' but found 'x' (write 2*x)",
        lexError("y = 2x").getMessage());
    assertEquals("f.fn:1:5: number '1e999' is too large for a double", lexError("y = 1e999").getMessage());
  }

  @Test
  void doubleStarIsExplained() {
    assertEquals("f.fn:1:6: unexpected '**': write '^' for powers, as in x^2", lexError("y = x**2").getMessage());
  }
}
