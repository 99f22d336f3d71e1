package io.batchjac.engine.lang;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Parses each statement form and checks the graph's inputs, params and outputs. */
class StructureTest {
  private static Graph graph(String spec) {
    return SpecParser.parseInline(spec).graph();
  }

  private static List<String> names(List<Node> nodes) {
    return nodes.stream().map(Node::name).toList();
  }

  @Test
  void inputsKeepDeclarationOrderAndShapes() {
    Graph g = graph("input t\ninput x[3]\ninput A[2, 4]\noutput t + sum(x) + sum(A)");
    assertEquals(List.of("t", "x", "A"), names(g.inputs()));
    assertEquals(List.of(Shape.SCALAR, Shape.of(3), Shape.of(2, 4)),
        g.inputs().stream().map(Node::shape).toList());
    assertEquals(1 + 3 + 8, g.inputSize());
    assertEquals(1, g.outputSize());
    assertNull(g.inputs().get(0).distribution());
  }

  @Test
  void distributionsWithConstantArguments() {
    Graph g = graph("""
        input a ~ uniform(-pi, pi)
        input b[2] ~ normal(0, sqrt(2))
        input c ~ lognormal(1 - 2, 2^-1)
        input d ~ uniform(0.05, 0.15)  # comment
        output a + sum(b) + c + d
        """);
    assertEquals(Distribution.uniform(-Math.PI, Math.PI), g.inputs().get(0).distribution());
    assertEquals(Distribution.normal(0, Math.sqrt(2)), g.inputs().get(1).distribution());
    assertEquals(Distribution.lognormal(-1, 0.5), g.inputs().get(2).distribution());
    assertEquals(Distribution.uniform(0.05, 0.15), g.inputs().get(3).distribution());
  }

  @Test
  void paramsFromLiteralsAndConstantExpressions() {
    Graph g = graph("""
        param a = 7
        param v = [1, 2, 3]
        param M = [[1, 2],
                   [3, 4]]
        param c = 2 * pi - e
        param p = 2^3^2
        param w = [-1, sin(0), 1e-3,]
        input x
        output x * a
        """);
    assertEquals(List.of("a", "v", "M", "c", "p", "w"), names(g.params()));
    assertEquals(Shape.SCALAR, g.param("a").shape());
    assertArrayEquals(new double[] {7}, g.param("a").value().data());
    assertArrayEquals(new double[] {1, 2, 3}, g.param("v").value().data());
    assertEquals(Shape.of(2, 2), g.param("M").shape());
    assertArrayEquals(new double[] {1, 2, 3, 4}, g.param("M").value().data());
    assertEquals(2 * Math.PI - Math.E, g.param("c").value().data()[0]);
    assertEquals(512, g.param("p").value().data()[0]);
    assertArrayEquals(new double[] {-1, 0, 1e-3}, g.param("w").value().data());
    assertFalse(g.param("a").batched());
  }

  @Test
  void outputsNamedAndAutoNamedByPosition() {
    Graph g = graph("input x[2]; output x[0]; output y = x * 2; output sum(x); z = y + 1; output z");
    assertEquals(List.of("out0", "y", "out2", "out3"), g.outputs().stream().map(Graph.Output::name).toList());
    assertEquals(List.of(Shape.SCALAR, Shape.of(2), Shape.SCALAR, Shape.of(2)), g.outputShapes());
    assertEquals(6, g.outputSize());
  }

  @Test
  void namedOutputIsAlsoABinding() {
    Graph g = graph("input x\noutput y = x + 1\noutput y * 2");
    assertEquals(2, g.outputs().size());
    assertTrue(g.outputs().get(1).node().args().contains(g.outputs().get(0).node()));
  }

  @Test
  void shapesOfOperatorsAndFunctions() {
    Graph g = graph("""
        param W = [[1, 2, 3], [4, 5, 6]]
        input x[3]
        input v[2]
        input A[3, 4]
        output W @ x
        output v @ W
        output W @ A
        output transpose(A)
        output reshape(A, 2, 6)
        output reshape(A, [-1])
        output A[1]
        output A[:, 1]
        output A[1:3, :2]
        output sum(A, 0)
        output mean(A, axis=-1)
        output concat(x, x, axis=0)
        output concat(A, A, axis=1)
        output [x, x]
        output x < 1
        output dot(x, x)
        output norm(A)
        output transpose(reshape(A, 3, 2, 2), 2, 0, 1)
        """);
    assertEquals(List.of(Shape.of(2), Shape.of(3), Shape.of(2, 4), Shape.of(4, 3), Shape.of(2, 6),
        Shape.of(12), Shape.of(4), Shape.of(3), Shape.of(2, 2), Shape.of(4), Shape.of(3), Shape.of(6),
        Shape.of(3, 8), Shape.of(2, 3), Shape.of(3), Shape.SCALAR, Shape.SCALAR, Shape.of(2, 3, 2)),
        g.outputShapes());
  }

  @Test
  void constantSubexpressionsAreFolded() {
    Graph g = graph("input x\noutput x^-2 + 2*pi");
    long constants = g.nodes().stream().filter(n -> n.kind() == Node.Kind.CONSTANT).count();
    long ops = g.nodes().stream().filter(n -> n.kind() == Node.Kind.OP).count();
    assertEquals(2, constants, g.dump());
    assertEquals(2, ops, g.dump()); // x^-2 (constant power) and +
  }

  @Test
  void specRecordsItsSource() {
    Spec s = SpecParser.parseInline("input x; output x");
    assertEquals("<inline>", s.source());
    assertEquals("Spec[<inline>: 1 inputs (N = 1), 1 outputs (M = 1)]", s.toString());
  }

  @Test
  void emptyStatementsAndTrailingSeparatorsAreFine() {
    Graph g = graph(";;\n\n# only a comment\ninput x;;\noutput x;\n");
    assertEquals(1, g.outputs().size());
  }
}
