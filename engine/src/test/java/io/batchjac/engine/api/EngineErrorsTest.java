package io.batchjac.engine.api;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** Misuse of the {@link Engine} API gives an {@link IllegalArgumentException} with a clear message. */
class EngineErrorsTest {
  private static final Engine ENGINE = Engine.defaults();

  /** f(x[3], t) = (x * t, sum(x)): N = 4, M = 4, with a parameter W. */
  private static Graph twoOutputs() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(3));
    Node t = b.input("t", Shape.SCALAR);
    Node w = b.param("W", Tensor.vector(1, 2, 3));
    b.output("y", b.mul(b.mul(x, t), w));
    b.output("s", b.sumAll(x));
    return b.build();
  }

  private static Graph scalarOutput() {
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(4));
    b.output("s", b.sumAll(b.sin(x)));
    return b.build();
  }

  private static Tensor zeros(int... dims) {
    return Tensor.zeros(Shape.of(dims));
  }

  private static void assertMessage(Executable call, String... fragments) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
    String msg = e.getMessage();
    for (String frag : fragments) {
      assertTrue(msg != null && msg.contains(frag), "message should contain '" + frag + "' but was: " + msg);
    }
  }

  @Test
  void wrongInputWidthNamesBothShapes() {
    Graph f = twoOutputs();
    assertMessage(() -> ENGINE.evaluate(f, zeros(5, 3)), "x", "[5, 3]", "[B, 4]");
    assertMessage(() -> ENGINE.batchedJacobian(f, Backend.forward(), zeros(5, 7)), "x", "[5, 7]", "[B, 4]");
    assertMessage(() -> ENGINE.gradient(scalarOutput(), Backend.reverse(), zeros(2, 3)), "x", "[2, 3]", "[B, 4]");
    assertMessage(() -> ENGINE.hessian(scalarOutput(), zeros(2, 5)), "x", "[2, 5]", "[B, 4]");
    assertMessage(() -> ENGINE.evaluate(f, zeros(4, 2, 2)), "x", "[4, 2, 2]", "[B, 4]");
  }

  @Test
  void tangentWithTheWrongWidthOrBatch() {
    Graph f = twoOutputs();
    Tensor x = zeros(5, 4);
    assertMessage(() -> ENGINE.jvp(f, Backend.forward(), x, zeros(3, 4)), "u (tangent)", "3 samples", "x has 5");
    assertMessage(() -> ENGINE.jvp(f, Backend.forward(), x, zeros(5, 3)), "u (tangent)", "[5, 3]", "[B, 4]");
  }

  @Test
  void cotangentWithTheWrongWidthOrBatch() {
    Graph f = twoOutputs();
    Tensor x = zeros(5, 4);
    assertMessage(() -> ENGINE.vjp(f, Backend.reverse(), x, zeros(6, 4)), "v (cotangent)", "6 samples", "x has 5");
    assertMessage(() -> ENGINE.vjp(f, Backend.reverse(), x, zeros(5, 2)), "v (cotangent)", "[5, 2]", "[B, 4]");
  }

  @Test
  void gradientAndHessianNeedOneOutputValue() {
    Graph f = twoOutputs();
    Tensor x = zeros(2, 4);
    assertMessage(() -> ENGINE.gradient(f, Backend.reverse(), x), "gradient", "exactly one output value", "has 4");
    assertMessage(() -> ENGINE.hessian(f, x), "hessian", "exactly one output value", "has 4");
    GraphBuilder b = new GraphBuilder();
    b.output("v", b.mul(b.input("x", Shape.of(2)), b.scalar(2)));
    assertMessage(() -> ENGINE.hessian(b.build(), zeros(1, 2)), "hessian", "exactly one output value", "has 2", "[2]");
  }

  @Test
  void unknownParameterName() {
    Graph f = twoOutputs();
    Tensor x = zeros(2, 4);
    assertMessage(() -> ENGINE.batchedJacobian(f, Backend.forward(), Engine.Wrt.params("W", "Q"), x),
        "no parameter named 'Q'", "[W]");
    assertMessage(() -> ENGINE.gradient(scalarOutput(), Backend.reverse(), Engine.Wrt.params("W"), zeros(1, 4)),
        "no parameter named 'W'", "no parameters");
    assertMessage(() -> ENGINE.jvp(f, Backend.forward(), Engine.Wrt.params("w"), x, zeros(2, 3)),
        "no parameter named 'w'");
    assertMessage(() -> Engine.Wrt.params(), "at least one parameter");
  }

  @Test
  void jvpRunsInForwardModeOnly() {
    Graph f = twoOutputs();
    assertMessage(() -> ENGINE.jvp(f, Backend.reverse(), zeros(2, 4), zeros(2, 4)), "jvp", "forward mode",
        "'reverse'", "vjp");
  }

  @Test
  void vjpRunsInReverseModeOnly() {
    Graph f = twoOutputs();
    assertMessage(() -> ENGINE.vjp(f, Backend.forward(), zeros(2, 4), zeros(2, 4)), "vjp", "reverse mode",
        "'forward'", "jvp");
  }

  @Test
  void badBackends() {
    assertMessage(() -> Backend.forward(-1), "chunk", "-1");
    assertMessage(() -> Backend.parse("sideways", 0), "unknown backend 'sideways'", "auto, forward or reverse");
  }
}
