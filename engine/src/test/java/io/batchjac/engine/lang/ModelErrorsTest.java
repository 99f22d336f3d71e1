package io.batchjac.engine.lang;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every error of model declarations and calls: exact message and position. */
class ModelErrorsTest {
  @TempDir
  Path dir;

  /** A model file {@code sq.fn}: input z[2], output z * z * a (one param a). */
  @BeforeEach
  void writeModel() throws IOException {
    write("sq.fn", "input z[2]\nparam a = [1, 2]\noutput z * z * a");
  }

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  /** The message of the error of spec {@code text} (named spec.fn, in the temporary folder). */
  private String error(String text) {
    return assertThrows(SpecException.class, () -> SpecParser.parse(text, "spec.fn", dir)).getMessage();
  }

  @Test
  void unknownModelFileKind() {
    assertEquals("spec.fn:1:16: unknown model file kind \"w.npy\": expected a .onnx (ONNX model) or .fn "
        + "(function language) file", error("model m = load(\"w.npy\")\ninput x\noutput x"));
  }

  @Test
  void aModelIsDeclaredWithLoadOfAFileName() {
    assertEquals("spec.fn:1:11: a model is declared as model m = load(\"file.onnx\") or load(\"file.fn\") "
        + "but found '3'", error("model m = 3\ninput x\noutput x"));
    assertEquals("spec.fn:1:11: a model is declared as model m = load(\"file.onnx\") or load(\"file.fn\") "
        + "but found 'sin'", error("model m = sin(\"sq.fn\")\ninput x\noutput x"));
    assertEquals("spec.fn:1:16: expected a file name in double quotes but found '2'",
        error("model m = load(2)\ninput x\noutput x"));
  }

  @Test
  void missingModelFile() {
    assertEquals("spec.fn:1:16: cannot load \"no.onnx\": file not found: " + dir.resolve("no.onnx"),
        error("model m = load(\"no.onnx\")\ninput x\noutput x"));
  }

  @Test
  void errorsInsideTheModelFileAreQuotedAtTheLoad() throws IOException {
    write("bad.fn", "input z\noutput z +* 2");
    assertEquals("spec.fn:2:16: in model 'm': bad.fn:2:11: expected an expression but found '*'",
        error("input x\nmodel m = load(\"bad.fn\")\noutput m(x)"));
    write("bad.onnx", "not a model");
    String e = error("input x\nmodel m = load(\"bad.onnx\")\noutput m(x)");
    assertEquals("spec.fn:2:16: in model 'm': bad.onnx: not an ONNX model: ", e.substring(0, e.indexOf("model: ") + 7));
  }

  @Test
  void nameClashes() {
    assertEquals("spec.fn:2:7: 'x' is already defined at line 1",
        error("input x[2]\nmodel x = load(\"sq.fn\")\noutput x"));
    assertEquals("spec.fn:2:7: 'm' is already defined at line 1",
        error("model m = load(\"sq.fn\")\ninput m[2]\noutput m"));
    assertEquals("spec.fn:2:7: 'm' is already defined at line 1",
        error("model m = load(\"sq.fn\")\nmodel m = load(\"sq.fn\")\ninput x[2]\noutput m(x)"));
    assertEquals("spec.fn:3:1: 'm' is already defined at line 1",
        error("model m = load(\"sq.fn\")\ninput x[2]\nm = x\noutput x"));
    assertEquals("spec.fn:1:7: 'tanh' is a built-in function and cannot name a model",
        error("model tanh = load(\"sq.fn\")\ninput x[2]\noutput tanh(x)"));
    assertEquals("spec.fn:1:7: 'pi' is a built-in constant and cannot be redefined",
        error("model pi = load(\"sq.fn\")\ninput x[2]\noutput x"));
  }

  @Test
  void callingAValueIsNotAModelCall() {
    assertEquals("spec.fn:3:8: expected a function but found 'x', which is a value",
        error("model m = load(\"sq.fn\")\ninput x[2]\noutput x(x)"));
  }

  @Test
  void wrongArgumentCount() {
    assertEquals("spec.fn:3:8: model 'm' takes 1 input (m(z[2])) but was called with 2 arguments",
        error("model m = load(\"sq.fn\")\ninput x[2]\noutput m(x, x)"));
    assertEquals("spec.fn:3:8: model 'm' takes 1 input (m(z[2])) but was called with 0 arguments",
        error("model m = load(\"sq.fn\")\ninput x[2]\noutput m()"));
  }

  @Test
  void wrongShapes() {
    assertEquals("spec.fn:3:8: model 'm': argument 1 (input 'z' of m(z[2])) must have shape [2] but has shape [3]",
        error("model m = load(\"sq.fn\")\ninput x[3]\noutput m(x)"));
    assertEquals("spec.fn:3:12: model 'm': argument 1 (input 'z' of m(z[2])) must have shape [2] but has shape []",
        error("model m = load(\"sq.fn\")\ninput x[3]\noutput 1 + m(x[0])"));
  }

  @Test
  void keywordArguments() {
    assertEquals("spec.fn:3:10: model 'm' takes its inputs by position (m(z[2])) but found the keyword argument 'z='",
        error("model m = load(\"sq.fn\")\ninput x[2]\noutput m(z=x)"));
  }

  @Test
  void aModelUsedWithoutACall() {
    assertEquals("spec.fn:3:12: expected a value but found model 'm' (call it as m(z[2]))",
        error("model m = load(\"sq.fn\")\ninput x[2]\noutput x + m"));
  }

  @Test
  void aModelCalledBeforeItsDeclaration() {
    assertEquals("spec.fn:2:8: 'm' is used before its definition at line 3",
        error("input x[2]\noutput m(x)\nmodel m = load(\"sq.fn\")"));
  }

  @Test
  void recursion() throws IOException {
    write("self.fn", "model me = load(\"self.fn\")\ninput z\noutput me(z)");
    assertEquals("spec.fn:1:16: in model 'm': self.fn:1:17: model 'me' loads " + dir.resolve("self.fn")
        + ", which is being loaded: a model cannot call itself (self.fn -> self.fn)",
        error("model m = load(\"self.fn\")\ninput x\noutput m(x)"));
    write("a.fn", "model b = load(\"b.fn\")\ninput z\noutput b(z)");
    write("b.fn", "input z\nmodel a = load(\"a.fn\")\noutput a(z)");
    assertEquals("spec.fn:1:16: in model 'm': a.fn:1:16: in model 'b': b.fn:2:16: model 'a' loads "
        + dir.resolve("a.fn") + ", which is being loaded: a model cannot call itself (a.fn -> b.fn -> a.fn)",
        error("model m = load(\"a.fn\")\ninput x\noutput m(x)"));
  }

  @Test
  void modelFilesNestAtMost32Deep() throws IOException {
    for (int i = 0; i < 40; i++) {
      write("m" + i + ".fn", "model next = load(\"m" + (i + 1) + ".fn\")\ninput z\noutput next(z)");
    }
    String e = error("model m = load(\"m0.fn\")\ninput x\noutput m(x)");
    String innermost = "m31.fn:1:19: model 'next' would nest model files more than 32 deep (a model that loads a model "
        + "...): is a model loading itself through a link?";
    String outermost = "spec.fn:1:16: in model 'm': m0.fn:1:19: in model 'next': m1.fn:1:19: ";
    assertEquals(outermost, e.substring(0, outermost.length()));
    assertEquals(innermost, e.substring(e.length() - innermost.length()));
  }
}
