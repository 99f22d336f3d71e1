package io.batchjac.engine.lang;

import static io.batchjac.engine.lang.LangTesting.assertClose;
import static io.batchjac.engine.lang.LangTesting.evalGraph;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Model;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.ShapeException;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What model calls build: shared params, result shapes, names, nesting, where files are read. */
class ModelCallsTest {
  @TempDir
  Path dir;

  private void write(String name, String text) throws IOException {
    Files.writeString(dir.resolve(name), text);
  }

  private Graph parse(String text) {
    return SpecParser.parse(text, "spec.fn", dir).graph();
  }

  @Test
  void aModelCalledTwiceSharesOneParamNodePerModelParam() throws IOException {
    write("lin.fn", "input z[2]\nparam W = [[1, 2], [3, 4]]\nparam c = 0.5\noutput W @ z + c");
    Graph g = parse("model lin = load(\"lin.fn\")\ninput x[2]\noutput lin(x) + lin(2 * x)");
    assertEquals(List.of("lin.W", "lin.c"), g.params().stream().map(Node::name).toList());
    long paramNodes = g.nodes().stream().filter(n -> n.kind() == Node.Kind.PARAM).count();
    assertEquals(2, paramNodes);
    // W @ x + c + W @ 2x + c = 3 W @ x + 1
    assertClose(new double[] {3 * (1 * 1 + 2 * -1) + 1, 3 * (3 * 1 + 4 * -1) + 1}, evalGraph(g, 1, -1));
    // derivatives w.r.t. a shared param add up over the calls: d/dc = 2 for both outputs
    Tensor dc = Engine.defaults().batchedJacobian(g, Backend.reverse(), Engine.Wrt.params("lin.c"),
        Tensor.of(Shape.of(1, 2), new double[] {1, -1}));
    assertArrayEquals(new double[] {2, 2}, dc.data(), 0.0);
  }

  @Test
  void oneOutputKeepsItsShapeSeveralAreFlattenedAndConcatenated() throws IOException {
    write("one.fn", "input z[2]\noutput reshape(z, 1, 2) * 3");
    write("two.fn", "input z[2]\ninput t\noutput a = reshape(z, 2, 1) * t\noutput b = t + 1");
    Graph g = parse("model one = load(\"one.fn\")\nmodel two = load(\"two.fn\")\ninput x[2]\n"
        + "output p = one(x)\noutput q = two(x, x[0])");
    assertEquals(List.of(Shape.of(1, 2), Shape.of(3)), g.outputShapes());
    assertClose(new double[] {6, 9, 4, 6, 3}, evalGraph(g, 2, 3));
  }

  @Test
  void aModelsParamsAreNamedAfterItAndNestedModelsNestTheirNames() throws IOException {
    write("inner.fn", "input z\nparam k = 3\noutput k * z");
    write("outer.fn", "model in = load(\"inner.fn\")\ninput z\nparam w = 2\noutput in(w * z)");
    Graph g = parse("model out = load(\"outer.fn\")\ninput x\noutput out(x) + out(1)");
    assertEquals(List.of("out.in.k", "out.w"), g.params().stream().map(Node::name).toList());
    assertClose(new double[] {6 * 5 + 6}, evalGraph(g, 5));
  }

  @Test
  void theModelsInputDistributionsAreIgnoredAndItsInputsAreNotTheSpecs() throws IOException {
    write("d.fn", "input z ~ uniform(100, 200)\noutput z + 1");
    Graph g = parse("model d = load(\"d.fn\")\ninput x ~ normal(0, 1)\noutput d(x)");
    assertEquals(List.of("x"), g.inputs().stream().map(Node::name).toList());
    assertEquals(io.batchjac.engine.ir.Distribution.normal(0, 1), g.inputs().get(0).distribution());
  }

  @Test
  void modelFilesAreReadThroughTheSpecsTensorFilesRelativeToTheSpecsDirectory() {
    // nothing on disk: the model file and its tensor come from memory, as on a Spark executor
    Path base = Path.of("/nowhere/specs").toAbsolutePath();
    Map<Path, byte[]> bytes = new HashMap<>();
    bytes.put(base.resolve("m/net.fn").normalize(), "input z[2]\nparam W = load(\"W.npy\")\noutput W @ z".getBytes());
    Map<Path, Tensor> tensors = new HashMap<>();
    tensors.put(base.resolve("m/W.npy").normalize(), Tensor.of(Shape.of(1, 2), new double[] {5, 7}));
    List<Path> asked = new ArrayList<>();
    TensorFiles memory = new TensorFiles() {
      @Override
      public boolean exists(Path file) {
        asked.add(file);
        return bytes.containsKey(file) || tensors.containsKey(file);
      }

      @Override
      public Tensor read(Path file) {
        return tensors.get(file);
      }

      @Override
      public byte[] bytes(Path file) throws IOException {
        if (!bytes.containsKey(file)) {
          throw new NoSuchFileException(file.toString());
        }
        return bytes.get(file);
      }
    };
    Graph g = SpecParser.parse("model net = load(\"m/net.fn\")\ninput x[2]\noutput net(x)", "spec.fn", base, memory).graph();
    assertEquals(List.of(base.resolve("m/net.fn"), base.resolve("m/W.npy")), asked);
    assertClose(new double[] {5 - 7}, evalGraph(g, 1, -1));
  }

  @Test
  void wrtSelectsAModelsParamsByItsNameOrAModulePrefix() throws IOException {
    write("lin.fn", "input z[2]\nparam W = [[1, 2], [3, 4]]\nparam c = 0.5\noutput W @ z + c");
    Graph g = parse("model lin = load(\"lin.fn\")\nparam s = 2\ninput x[2]\noutput s * lin(x)");
    assertEquals(List.of("lin.W", "lin.c"), names(g.selectParams(List.of("lin"))));
    assertEquals(List.of("lin.c", "s", "lin.W"), names(g.selectParams(List.of("lin.c", "s", "lin.W"))));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> g.selectParams(List.of("li")));
    assertEquals("no parameter named 'li'; the function has parameters [lin.W, lin.c, s]", e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> g.selectParams(List.of("lin", "lin.c")));
    assertEquals("parameter 'lin.c' is selected twice (by 'lin.c' and an earlier name)", e.getMessage());
    // the whole model's Jacobian: [d/dW (4 values), d/dc] for each of the 2 outputs
    Tensor j = Engine.defaults().batchedJacobian(g, Backend.forward(), Engine.Wrt.params("lin"),
        Tensor.of(Shape.of(1, 2), new double[] {1, -1}));
    assertEquals(Shape.of(2, 5, 1), j.shape());
    assertArrayEquals(new double[] {2, 0, -2, 0, 0, 2, 0, -2, 2, 2}, j.data(), 0.0); // J[m, n] at m + 2n
  }

  @Test
  void fromJavaAGraphBuilderCallsAnyGraphAsAModel() {
    Graph sq = SpecParser.parseInline("input z[2]\nparam a = [1, 2]\noutput z * z * a").graph();
    GraphBuilder b = new GraphBuilder();
    Model m = b.model("sq", sq);
    assertEquals("sq(z[2])", m.signature());
    assertEquals(Shape.of(2), m.resultShape());
    Node x = b.input("x", Shape.of(2));
    Node ones = b.constant(Tensor.of(Shape.of(2), new double[] {1, 1}));
    b.output("y", b.add(m.call(x), m.call(ones)));
    Graph g = b.build();
    assertEquals(List.of(m.params().get(0)), g.params());
    assertClose(new double[] {9 + 1, 2 * 16 + 2}, evalGraph(g, 3, 4));
    assertThrows(ShapeException.class, () -> m.call(b.scalar(1)));
    assertThrows(IllegalArgumentException.class, () -> m.call(x, x));
  }

  private static List<String> names(List<Node> nodes) {
    return nodes.stream().map(Node::name).toList();
  }
}
