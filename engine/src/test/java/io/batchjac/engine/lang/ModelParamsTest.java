package io.batchjac.engine.lang;

import static io.batchjac.engine.lang.LangTesting.assertClose;
import static io.batchjac.engine.lang.LangTesting.evalGraph;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model's params named in expressions, {@code NAME.P} (and {@code NAME.INNER.P}): as values and
 * as the variable of the derivative operators, the same node every call of the model shares; and
 * every error, with its position.
 */
class ModelParamsTest {
  @TempDir
  Path dir;

  /** {@code sq.fn}: input z[2], param a = [1, 2], output z * z * a. */
  @BeforeEach
  void writeModel() throws IOException {
    Files.writeString(dir.resolve("sq.fn"), "input z[2]\nparam a = [1, 2]\noutput z * z * a");
  }

  private Graph parse(String text) {
    return SpecParser.parse(text, "spec.fn", dir).graph();
  }

  private String error(String text) {
    return assertThrows(SpecException.class, () -> SpecParser.parse(text, "spec.fn", dir)).getMessage();
  }

  @Test
  void aModelsParamIsAValueSharedWithItsCalls() {
    Graph g = parse("model sq = load(\"sq.fn\")\ninput x[2]\noutput sum(sq.a^2) + sum(sq(x))");
    assertEquals(1, g.params().size(), "sq.a is the one param node of the calls and of the expression");
    // (1 + 4) + (x0^2 * 1 + x1^2 * 2)
    assertClose(new double[] {5 + 9 + 2 * 4}, evalGraph(g, 3, 2));
  }

  @Test
  void gradWithRespectToAModelsParamEqualsTheJacobianWrtThatParam() {
    Graph g = parse("model sq = load(\"sq.fn\")\ninput x[2]\noutput grad(sum(sq(x)), sq.a)");
    // d/da sum(z^2 a) = z^2
    assertClose(new double[] {9, 4}, evalGraph(g, 3, 2));
    Graph f = parse("model sq = load(\"sq.fn\")\ninput x[2]\noutput sum(sq(x))");
    Tensor j = Engine.defaults().batchedJacobian(f, Backend.reverse(), Engine.Wrt.params("sq.a"),
        Tensor.of(Shape.of(1, 2), new double[] {3, 2}));
    assertArrayEquals(j.data(), evalGraph(g, 3, 2), 0.0);
  }

  @Test
  void aHessianVectorProductInTheModelsWeights() {
    // sum((z^2 a)^2) = sum(z^4 a^2): gradient 2 z^4 a, Hessian diag(2 z^4); along [1, 0]: [2 x0^4, 0]
    Graph g = parse("model sq = load(\"sq.fn\")\ninput x[2]\n"
        + "output jvp(grad(sum(sq(x)^2), sq.a), sq.a, [1, 0])");
    assertClose(new double[] {2 * 81, 0}, evalGraph(g, 3, 2));
  }

  @Test
  void nestedModelsParamsAreReachedThroughTheirPath() throws IOException {
    Files.writeString(dir.resolve("inner.fn"), "input z\nparam k = 3\noutput k * z");
    Files.writeString(dir.resolve("outer.fn"), "model in = load(\"inner.fn\")\ninput z\nparam w = 2\noutput in(w * z)");
    Graph g = parse("model out = load(\"outer.fn\")\ninput x\noutput grad(out(x), out.in.k) + out.w");
    // d/dk (k w x) = w x; plus w
    assertClose(new double[] {2 * 5 + 2}, evalGraph(g, 5));
    Node k = g.params().stream().filter(p -> p.name().equals("out.in.k")).findFirst().orElseThrow();
    assertSame(k, g.params().get(0));
  }

  @Test
  void errors() {
    String decl = "model sq = load(\"sq.fn\")\ninput x[2]\n";
    assertEquals("spec.fn:3:11: model 'sq' has no param 'b'; its params: a",
        error(decl + "output sq.b"));
    assertEquals("spec.fn:3:8: 'sp.a': unknown model 'sp'; did you mean 'sq'?",
        error(decl + "output sp.a + x"));
    assertEquals("spec.fn:3:8: 'x.a': 'x' is a value, not a model; '.' only reaches a model's params (NAME.P)",
        error(decl + "output x.a"));
    assertEquals("spec.fn:3:11: expected the name of a param after 'sq.' (a model's param is written NAME.P) "
        + "but found '('", error(decl + "output sq.(x)"));
    assertEquals("spec.fn:2:21: 'sq' is used before its definition at line 3",
        error("input x[2]\noutput grad(sum(x), sq.a)\nmodel sq = load(\"sq.fn\")"));
    assertEquals("spec.fn:3:27: grad: expected the name of an input, a param or a model's param (NAME.P) to differentiate with respect to "
        + "but found an expression ('*'); differentiate with respect to the input or param it is computed from",
        error(decl + "output grad(sum(sq(x)), 2 * sq.a)"));
  }
}
