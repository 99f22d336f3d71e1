package io.batchjac.engine.lang;

import static io.batchjac.engine.lang.LangTesting.assertError;
import static io.batchjac.engine.lang.LangTesting.error;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every class of error: exact message and position. */
class ErrorTest {
  @Test
  void unknownNameWithSuggestion() {
    SpecException e = error("input x\ny = x + 1\nh = tnah(x)\noutput h + xx + 1");
    // tnah is a call, so it is an unknown function
    assertEquals("<inline>:3:5: unknown function 'tnah'; did you mean 'tanh'?", e.getMessage());
    assertError("input x\ninput alpha\noutput alpah * x", "<inline>:3:8: unknown name 'alpah'; did you mean 'alpha'?");
    assertError("input x\noutput tnah", "<inline>:2:8: unknown name 'tnah'; did you mean 'tanh'?");
    assertError("input x\noutput x + qqq", "<inline>:2:12: unknown name 'qqq'");
    assertError("input x\noutput x * p1", "<inline>:2:12: unknown name 'p1'; did you mean 'pi'?");
  }

  @Test
  void nameUsedBeforeItsDefinition() {
    assertError("input x\noutput h\nh = x", "<inline>:2:8: 'h' is used before its definition at line 3");
  }

  @Test
  void functionUsedAsValueAndValueUsedAsFunction() {
    assertError("input x\noutput sin + x", "<inline>:2:8: expected a value but found function 'sin' (call it as sin(x))");
    assertError("input x\noutput x(2)", "<inline>:2:8: expected a function but found 'x', which is a value");
  }

  @Test
  void unknownFunctionWithSuggestion() {
    assertError("input x\noutput sinn(x)", "<inline>:2:8: unknown function 'sinn'; did you mean 'sin'?");
    assertError("input x\noutput foo(x)", "<inline>:2:8: unknown function 'foo'");
  }

  @Test
  void wrongArgumentCount() {
    assertError("input x\noutput sin(x, x)", "<inline>:2:8: sin expects 1 argument (sin(x)) but found 2");
    assertError("input x\noutput atan2(x)", "<inline>:2:8: atan2 expects 2 arguments (atan2(y, x)) but found 1");
    assertError("input x[2]\noutput sum(x, 0, 1)",
        "<inline>:2:8: sum expects 1 or 2 arguments (sum(x) or sum(x, axis)) but found 3");
    assertError("input x\noutput where(x > 0, x)",
        "<inline>:2:8: where expects 3 arguments (where(cond, a, b)) but found 2");
    assertError("input x\noutput reshape(x)", "<inline>:2:8: reshape expects at least 2 arguments "
        + "(reshape(x, d1, d2, ...) or reshape(x, [d1, d2, ...])) but found 1");
    assertError("input x\noutput max()", "<inline>:2:8: max expects 2 arguments (max(a, b)) but found 0");
  }

  @Test
  void keywordArguments() {
    assertError("input x[2]\noutput sum(x, axs=0)",
        "<inline>:2:15: expected one of the keyword arguments [axis] of sum but found 'axs'; did you mean 'axis'?");
    assertError("input x\noutput sin(x=1)", "<inline>:2:12: sin takes no keyword arguments (sin(x)) but found 'x='");
    assertError("input x[2]\noutput sum(x, 0, axis=0)",
        "<inline>:2:18: sum: axis is given twice, as an argument and as axis=");
    assertError("input x[2]\noutput concat(x, axis=0, x)",
        "<inline>:2:26: expected a keyword argument (name=value) after 'axis=' but found a positional argument");
  }

  @Test
  void unexpectedTokens() {
    assertError("input x\noutput sin(x", "<inline>:2:13: expected ')' but found end of file");
    assertError("input x\ny = (x + 1\noutput y", "<inline>:3:1: expected ')' but found 'output'");
    assertError("input x\noutput sin(x x)", "<inline>:2:14: expected ')' but found 'x'");
    assertError("input x\noutput x +", "<inline>:2:11: expected an expression but found end of file");
    assertError("input x\noutput x + * 2", "<inline>:2:12: expected an expression but found '*'");
    assertError("input x\ny = x z\noutput y", "<inline>:2:7: expected end of statement (a new line or ';') but found 'z'");
    assertError("input x\ny x\noutput y", "<inline>:2:3: expected '=' but found 'x'");
    assertError("input x\n3 = x", "<inline>:2:1: expected a statement (input, param, model, output or NAME = EXPR) but found '3'");
    assertError("input 3", "<inline>:1:7: expected a name after 'input' but found '3'");
    assertError("input output", "<inline>:1:7: expected a name after 'input' but found keyword 'output'");
    assertError("param W 3", "<inline>:1:9: expected '=' but found '3'");
    assertError("input x[3\noutput x", "<inline>:2:1: expected ']' but found 'output'");
    assertError("input x\noutput x < 1 < 2",
        "<inline>:2:14: comparisons cannot be chained: expected end of expression but found '<' (use parentheses)");
    assertError("input x[4]\noutput x[1:2:1]", "<inline>:2:13: slice steps are not supported: expected ',' or ']' but found ':'");
    assertError("input x\noutput []", "<inline>:2:9: expected a list element (empty lists are not allowed) but found ']'");
    assertError("input x\noutput \"a\"", "<inline>:2:8: expected an expression but found string \"a\" "
        + "(strings are only used in load(\"file.npy\"))");
    assertError("input x\noutput x;output input", "<inline>:2:17: expected an expression but found keyword 'input'");
  }

  @Test
  void lexicalErrors() {
    assertError("input x\noutput x $ 2", "<inline>:2:10: unexpected character '$'");
    assertError("param W = load(\"w.npy)\noutput W", "<inline>:1:16: unterminated string: "
        + "expected a closing '\"' but found end of line");
  }

  @Test
  void shapeMismatchNamesBothShapes() {
    assertError("input x[3]\ninput y[4]\noutput x + y", "<inline>:3:10: +: shapes [3] and [4] do not broadcast");
    assertError("input x[3]\ninput y[4]\nz = x\noutput z * y - 1", "<inline>:4:10: *: shapes [3] and [4] do not broadcast");
    assertError("input x[3]\ninput y[4]\noutput x ^ y", "<inline>:3:10: ^: shapes [3] and [4] do not broadcast");
    assertError("input x[3]\ninput y[4]\noutput x < y", "<inline>:3:10: <: shapes [3] and [4] do not broadcast");
    assertError("input x[3]\ninput y[4]\noutput atan2(x, y)", "<inline>:3:8: atan2: shapes [3] and [4] do not broadcast");
    assertError("param W = [[1, 2], [3, 4]]\ninput x[3]\noutput W @ x",
        "<inline>:3:10: @: shapes [2, 2] and [3] do not fit a matrix product (2 != 3)");
    assertError("input x\ninput y[2]\noutput x @ y",
        "<inline>:3:10: @: operands must be vectors or matrices, got shapes [] and [2]");
    assertError("input x[3]\noutput x + [1, 2]", "<inline>:2:10: +: shapes [3] and [2] do not broadcast");
    assertError("param a = [1, 2] + [1, 2, 3]\ninput x\noutput x", "<inline>:1:18: +: shapes [2] and [3] do not broadcast");
    assertError("input x[3]\noutput reshape(x, 2, 2)",
        "<inline>:2:8: reshape: cannot reshape [3] (3 elements) to [2, 2] (4 elements)");
    assertError("input x[3]\ninput A[2, 2]\noutput concat(x, A)",
        "<inline>:3:8: concat: shapes [3] and [2, 2] differ outside axis 0");
    assertError("input x[3]\noutput sum(x, 1)", "<inline>:2:8: sum: axis 1 out of range for shape [3]");
    assertError("input x[3]\ninput y[2]\noutput [x, y]",
        "<inline>:3:12: expected a list element of shape [3] like the first one but found shape [2] (lists must not be ragged)");
  }

  @Test
  void indexOutOfRangeNamesTheShape() {
    assertError("input x[3]\noutput x[3]", "<inline>:2:10: index 3 is out of range for axis 0 of length 3 (shape [3])");
    assertError("input x[3]\noutput x[-4]", "<inline>:2:10: index -4 is out of range for axis 0 of length 3 (shape [3])");
    assertError("input A[2, 3]\noutput A[1, 5]", "<inline>:2:13: index 5 is out of range for axis 1 of length 3 (shape [2, 3])");
    assertError("input x[3]\noutput x[1:7]", "<inline>:2:12: slice bound 7 is out of range for axis 0 of length 3 (shape [3])");
    assertError("input x[3]\noutput x[2:1]", "<inline>:2:10: empty slice 2:1 of axis 0 of length 3 (shape [3])");
    assertError("input x[3]\noutput x[0, 0]", "<inline>:2:9: expected at most 1 index for a value of shape [3] but found 2");
    assertError("input t\noutput t[0]", "<inline>:2:9: expected at most 0 indices for a value of shape [] but found 1");
  }

  @Test
  void nonIntegerOrNonConstantIndex() {
    assertError("input x[3]\noutput x[1.5]", "<inline>:2:10: an index must be an integer constant but found 1.5");
    assertError("input x[3]\ninput i\noutput x[i]", "<inline>:3:10: an index must be an integer constant but found name 'i'");
    assertError("input x[3]\noutput x[[0, 1]]", "<inline>:2:10: an index must be an integer constant but found a value of shape [2]");
    assertError("input x[3]\noutput x[:1.5]", "<inline>:2:11: a slice bound must be an integer constant but found 1.5");
    assertError("input x[2.5]\noutput x", "<inline>:1:9: a dimension must be a positive integer constant but found 2.5");
    assertError("input x[0]\noutput x", "<inline>:1:9: a dimension must be a positive integer constant but found 0");
    assertError("input x[3]\noutput sum(x, 0.5)", "<inline>:2:15: an axis must be an integer constant but found 0.5");
    assertError("input x[100000, 100000]\noutput x", "<inline>:1:7: shape [100000, 100000] has more than 2^31 elements");
  }

  @Test
  void redefinition() {
    assertError("input x\nx = 2 * x\noutput x", "<inline>:2:1: 'x' is already defined at line 1");
    assertError("input x\nparam a = 1\n\ninput a\noutput x", "<inline>:4:7: 'a' is already defined at line 2");
    assertError("input x\noutput y = x\noutput y = 2 * x", "<inline>:3:8: 'y' is already defined at line 2");
    assertError("input x\npi = 3\noutput x", "<inline>:2:1: 'pi' is a built-in constant and cannot be redefined");
    assertError("input e\noutput e", "<inline>:1:7: 'e' is a built-in constant and cannot be redefined");
    assertError("input x\noutput out1 = x\noutput x", "<inline>:3:1: output 'out1' is already defined "
        + "(unnamed outputs are named out0, out1, ... by position)");
  }

  @Test
  void missingOutput() {
    assertError("input x\ny = sin(x)\n\n", "<inline>:2:11: expected at least one 'output' statement but found end of file");
    assertError("", "<inline>:1:1: expected at least one 'output' statement but found end of file");
  }

  @Test
  void missingLoadFileNamesTheResolvedPath(@TempDir Path dir) {
    SpecException e = assertThrows(SpecException.class,
        () -> SpecParser.parse("input x\nparam W = load(\"no/such.npy\")\noutput x", "m.fn", dir));
    Path resolved = dir.resolve("no/such.npy").toAbsolutePath().normalize();
    assertEquals("m.fn:2:16: cannot load \"no/such.npy\": file not found: " + resolved, e.getMessage());
    assertEquals("param W = load(\"no/such.npy\")\n               ^", e.excerpt());
  }

  @Test
  void malformedNpyGivesTheReadersMessage(@TempDir Path dir) throws Exception {
    Files.writeString(dir.resolve("bad.npy"), "not numpy at all");
    SpecException e = assertThrows(SpecException.class,
        () -> SpecParser.parse("param W = load(\"bad.npy\")\ninput x\noutput x", "m.fn", dir));
    assertTrue(e.getMessage().startsWith("m.fn:1:16: " + dir.resolve("bad.npy") + ": not a .npy file"), e.getMessage());
  }

  @Test
  void loadMisuse() {
    assertError("input x\noutput x * load(\"w.npy\")",
        "<inline>:2:12: load(\"file.npy\") is only allowed in a parameter definition: param NAME = load(\"file.npy\")");
    assertError("param W = load(w)\ninput x\noutput x", "<inline>:1:16: expected a file name in double quotes but found 'w'");
    assertError("param W = load()\ninput x\noutput x", "<inline>:1:11: load expects 1 argument (load(\"file.npy\")) but found 0");
  }

  @Test
  void malformedDistribution() {
    assertError("input x ~ uniform(1, 0)\noutput x", "<inline>:1:11: uniform(a, b) needs a < b, got a = 1.0, b = 0.0");
    assertError("input x ~ normal(0, -1)\noutput x", "<inline>:1:11: normal(mu, sigma) needs sigma > 0, got -1.0");
    assertError("input x ~ lognormal(0, 0)\noutput x", "<inline>:1:11: lognormal(mu, sigma) needs sigma > 0, got 0.0");
    assertError("input x ~ unifrom(0, 1)\noutput x",
        "<inline>:1:11: expected a distribution (uniform, normal or lognormal) but found 'unifrom'; did you mean 'uniform'?");
    assertError("input x ~ uniform(0)\noutput x", "<inline>:1:11: uniform expects 2 arguments (uniform(a, b)) but found 1");
    assertError("input x ~ normal(0, 1, 2)\noutput x", "<inline>:1:11: normal expects 2 arguments (normal(mu, sigma)) but found 3");
    assertError("input x ~ 3\noutput x", "<inline>:1:11: expected a distribution (uniform, normal or lognormal) but found '3'");
    assertError("input x ~ uniform\noutput x", "<inline>:1:18: expected '(' after 'uniform' but found end of line");
    assertError("input x ~ uniform(0, [1, 2])\noutput x",
        "<inline>:1:22: distribution arguments must be constant expressions but found a value of shape [2]");
    assertError("input x ~ uniform(0, 1/0)\noutput x",
        "<inline>:1:11: distribution parameters must be finite, got 0.0, Infinity");
  }

  @Test
  void nonConstantDistributionArgument() {
    assertError("param a = 2\ninput x ~ uniform(0, a)\noutput x",
        "<inline>:2:22: distribution arguments must be constant expressions but found name 'a'");
    assertError("input y\ninput x ~ normal(sum(y), 1)\noutput x",
        "<inline>:2:18: distribution arguments must be constant expressions but found a call of 'sum'");
  }

  @Test
  void nonConstantParam() {
    assertError("input x\nparam a = 2 * x\noutput x", "<inline>:2:15: param 'a' must be a constant expression "
        + "or load(\"file.npy\") but found name 'x'");
    assertError("param a = [[1, 2], [3]]\ninput x\noutput x", "<inline>:1:20: expected a list element of shape [2] "
        + "like the first one but found shape [1] (lists must not be ragged)");
  }

  @Test
  void errorsInFilesNameTheFile(@TempDir Path dir) throws Exception {
    Path fn = dir.resolve("f.fn");
    Files.writeString(fn, "input x[3]\n\n# a comment\ny = tnah(x)\noutput y\n");
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parseFile(fn));
    assertEquals(fn + ":4:5: unknown function 'tnah'; did you mean 'tanh'?", e.getMessage());
    assertEquals(fn.toString(), e.file());
    assertEquals(4, e.line());
    assertEquals(5, e.column());
    assertEquals("unknown function 'tnah'; did you mean 'tanh'?", e.problem());
    assertEquals("y = tnah(x)\n    ^", e.excerpt());
  }

  @Test
  void missingSpecFile(@TempDir Path dir) {
    Path fn = dir.resolve("nope.fn");
    SpecException e = assertThrows(SpecException.class, () -> SpecParser.parseFile(fn));
    assertEquals(fn + ": spec file not found (" + fn.toAbsolutePath().normalize() + ")", e.getMessage());
    assertEquals(0, e.line());
    assertEquals("", e.excerpt());
  }

  @Test
  void deepNestingIsRefusedNotAStackOverflow() throws InterruptedException {
    // found by looking for what SpecParserFuzzIT could hit: deep text overflowed the parser's stack
    String why = " expression nested more than 200 levels deep (parentheses, brackets, calls, signs, powers and "
        + "each operator of a chain like a + b + c count): simplify it or split it with NAME = EXPR statements";
    String parens = "input x; output " + "(".repeat(5000) + "x" + ")".repeat(5000);
    String chain = "input x; output " + "x + ".repeat(5000) + "x";
    String powers = "input x; output " + "x^".repeat(5000) + "x";
    String[] got = new String[3];
    // on a small stack, as Spark task threads may have: the refusal must come before any overflow
    Thread t = new Thread(null, () -> {
      got[0] = error(parens).getMessage();
      got[1] = error(chain).getMessage();
      got[2] = error(powers).getMessage();
    }, "small stack", 512 * 1024);
    t.start();
    t.join();
    assertEquals("<inline>:1:217:" + why, got[0]);
    assertEquals("<inline>:1:815:" + why, got[1]);
    assertEquals("<inline>:1:416:" + why, got[2]);
    String deepButAllowed = "input x; output " + "(".repeat(199) + "x" + ")".repeat(199) + " + " + "x * ".repeat(150) + "x";
    SpecParser.parseInline(deepButAllowed);
  }

  @Test
  void excerptKeepsTabsAligned() {
    SpecException e = error("input x\n\toutput x + $");
    assertEquals("<inline>:2:13: unexpected character '$'", e.getMessage());
    assertEquals("\toutput x + $\n\t           ^", e.excerpt());
  }
}
