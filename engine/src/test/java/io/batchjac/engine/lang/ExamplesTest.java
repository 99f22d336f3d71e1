package io.batchjac.engine.lang;

import static io.batchjac.engine.lang.LangTesting.assertClose;
import static io.batchjac.engine.lang.LangTesting.evalBatch;
import static io.batchjac.engine.lang.LangTesting.evalGraph;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The complete examples and the error table of docs/language.md, parsed from the document itself. */
class ExamplesTest {
  private static String docs() throws IOException {
    for (Path p : List.of(Path.of("../docs/language.md"), Path.of("docs/language.md"))) {
      if (Files.exists(p)) {
        return Files.readString(p);
      }
    }
    throw new IOException("docs/language.md not found from " + Path.of("").toAbsolutePath());
  }

  /** The ```fn block of the document whose first line starts with {@code firstLine}. */
  private static String block(String firstLine) throws IOException {
    Matcher m = Pattern.compile("```fn\n(.*?)```", Pattern.DOTALL).matcher(docs());
    while (m.find()) {
      if (m.group(1).startsWith(firstLine)) {
        return m.group(1);
      }
    }
    throw new AssertionError("no fn block starting with " + firstLine);
  }

  // ---------------------------------------------------------------- Ishigami

  private static double ishigami(double x0, double x1, double x2) {
    return Math.sin(x0) + 7 * Math.pow(Math.sin(x1), 2) + 0.1 * Math.pow(x2, 4) * Math.sin(x0);
  }

  @Test
  void ishigami() throws IOException {
    Graph g = SpecParser.parseInline(block("# ishigami.fn")).graph();
    assertEquals(1, g.inputs().size());
    Node x = g.inputs().get(0);
    assertEquals(Shape.of(3), x.shape());
    assertEquals(Distribution.uniform(-Math.PI, Math.PI), x.distribution());
    assertEquals(List.of("out0"), g.outputs().stream().map(Graph.Output::name).toList());
    assertClose(new double[] {Math.sin(1) + 7 * Math.pow(Math.sin(2), 2) + 0.1 * 81 * Math.sin(1)},
        evalGraph(g, 1, 2, 3));
    assertEquals(13.445138634774501, evalGraph(g, 1, 2, 3)[0], 1e-12);
    Random r = new Random(7);
    double[][] rows = new double[50][3];
    for (double[] row : rows) {
      for (int i = 0; i < 3; i++) {
        row[i] = (2 * r.nextDouble() - 1) * Math.PI;
      }
    }
    double[][] out = evalBatch(g, rows);
    for (int s = 0; s < rows.length; s++) {
      assertClose(new double[] {ishigami(rows[s][0], rows[s][1], rows[s][2])}, out[s]);
    }
  }

  @Test
  void ishigamiJacobianForwardAndReverse() throws IOException {
    Graph g = SpecParser.parseInline(block("# ishigami.fn")).graph();
    Tensor x = Tensor.of(Shape.of(2, 3), new double[] {1, 2, 3, -0.5, 0.25, 0.75});
    for (Backend backend : new Backend[] {Backend.forward(), Backend.reverse()}) {
      Tensor j = Engine.defaults().batchedJacobian(g, backend, x);
      assertEquals(Shape.of(1, 3, 2), j.shape());
      for (int s = 0; s < 2; s++) {
        double x0 = x.get(s, 0);
        double x1 = x.get(s, 1);
        double x2 = x.get(s, 2);
        double[] expected = {Math.cos(x0) * (1 + 0.1 * Math.pow(x2, 4)), 14 * Math.sin(x1) * Math.cos(x1),
            0.4 * Math.pow(x2, 3) * Math.sin(x0)};
        assertClose(expected, new double[] {j.get(0, 0, s), j.get(0, 1, s), j.get(0, 2, s)});
      }
    }
  }

  // ---------------------------------------------------------------- Borehole

  private static double borehole(double[] v) {
    double rw = v[0];
    double r = v[1];
    double tu = v[2];
    double hu = v[3];
    double tl = v[4];
    double hl = v[5];
    double l = v[6];
    double kw = v[7];
    double lr = Math.log(r / rw);
    return 2 * Math.PI * tu * (hu - hl) / (lr * (1 + 2 * l * tu / (lr * rw * rw * kw) + tu / tl));
  }

  @Test
  void borehole() throws IOException {
    Graph g = SpecParser.parseInline(block("# borehole.fn")).graph();
    List<String> names = List.of("rw", "r", "Tu", "Hu", "Tl", "Hl", "L", "Kw");
    double[][] box = {{0.05, 0.15}, {100, 50000}, {63070, 115600}, {990, 1110}, {63.1, 116},
        {700, 820}, {1120, 1680}, {9855, 12045}};
    assertEquals(names, g.inputs().stream().map(Node::name).toList());
    for (int i = 0; i < 8; i++) {
      assertEquals(Shape.SCALAR, g.inputs().get(i).shape());
      assertEquals(Distribution.uniform(box[i][0], box[i][1]), g.inputs().get(i).distribution());
    }
    assertEquals("flow", g.outputs().get(0).name());
    double[] centre = {0.1, 25050, 89335, 1050, 89.55, 760, 1400, 10950};
    assertEquals(70.87291263681897, evalGraph(g, centre)[0], 1e-10);
    Random r = new Random(11);
    double[][] rows = new double[40][8];
    for (double[] row : rows) {
      for (int i = 0; i < 8; i++) {
        row[i] = box[i][0] + (box[i][1] - box[i][0]) * r.nextDouble();
      }
    }
    double[][] out = evalBatch(g, rows);
    for (int s = 0; s < rows.length; s++) {
      assertClose(new double[] {borehole(rows[s])}, out[s]);
    }
  }

  // ---------------------------------------------------------------- MLP

  private static double[] random(Random r, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = r.nextGaussian() * 0.5;
    }
    return d;
  }

  @Test
  void mlpWithLoadedWeights(@TempDir Path dir) throws IOException {
    Random r = new Random(3);
    double[] w1 = random(r, 16 * 4);
    double[] b1 = random(r, 16);
    double[] w2 = random(r, 3 * 16);
    double[] b2 = random(r, 3);
    Path mlp = Files.createDirectories(dir.resolve("mlp"));
    Npy.write(mlp.resolve("W1.npy"), Tensor.of(Shape.of(16, 4), w1));
    Npy.write(mlp.resolve("b1.npy"), Tensor.of(Shape.of(16), b1));
    // W2 stored in Fortran order, as a Julia or np.asfortranarray writer would
    Npy.write(mlp.resolve("W2.npy"), Tensor.of(Shape.of(3, 16), w2).toF());
    Npy.write(mlp.resolve("b2.npy"), Tensor.of(Shape.of(3), b2));
    Path fn = dir.resolve("mlp.fn");
    Files.writeString(fn, block("# mlp.fn"));
    Graph g = SpecParser.parseFile(fn).graph();
    assertEquals(List.of("W1", "b1", "W2", "b2"), g.params().stream().map(Node::name).toList());
    assertEquals(4, g.inputSize());
    assertEquals(3, g.outputSize());
    double[][] rows = {random(r, 4), random(r, 4), random(r, 4)};
    double[][] out = evalBatch(g, rows);
    for (int s = 0; s < rows.length; s++) {
      double[] h = new double[16];
      for (int i = 0; i < 16; i++) {
        double a = b1[i];
        for (int k = 0; k < 4; k++) {
          a += w1[i * 4 + k] * rows[s][k];
        }
        h[i] = Math.tanh(a);
      }
      double[] y = new double[3];
      for (int i = 0; i < 3; i++) {
        y[i] = b2[i];
        for (int k = 0; k < 16; k++) {
          y[i] += w2[i * 16 + k] * h[k];
        }
      }
      assertClose(y, out[s]);
    }
  }

  @Test
  void introductoryExample() throws IOException {
    Graph g = SpecParser.parseInline(block("input x[4]")).graph();
    double[] x = {0.1, -0.2, 0.3, 0.4};
    double h0 = Math.tanh(x[0] + 2 * x[3]);
    double h1 = Math.tanh(x[1] + 3 * x[2]);
    assertClose(new double[] {h0 * h0 + h1 * h1}, evalGraph(g, x));
  }

  // ---------------------------------------------------------------- models

  @Test
  void theModelExampleIsTheExampleSpecAndCallsTheOnnxModel() throws IOException {
    Path examples = Path.of("../conf/examples").toAbsolutePath().normalize();
    Graph doc = SpecParser.parse(block("# onnx_residual.fn"), "doc", examples).graph();
    Graph file = SpecParser.parseFile(examples.resolve("onnx_residual.fn")).graph();
    assertEquals(file.dump(), doc.dump());
    List<String> weights = new ArrayList<>(List.of("net.fc1.weight", "net.fc1.bias", "net.fc2.weight", "net.fc2.bias",
        "net.fc3.weight", "net.fc3.bias", "net.out.weight", "net.out.bias"));
    List<String> params = new ArrayList<>(doc.params().stream().map(Node::name).toList());
    weights.sort(null);
    params.sort(null);
    assertEquals(weights, params);
    assertEquals(List.of("x"), doc.inputs().stream().map(Node::name).toList());
  }

  // ---------------------------------------------------------------- error table

  @Test
  void errorTableOfTheDocumentIsExact() throws IOException {
    String doc = docs();
    String section = doc.substring(doc.indexOf("## 8. Errors"), doc.indexOf("## 9."));
    Matcher m = Pattern.compile("^\\| `(.*)` \\| `(.*)` \\|$", Pattern.MULTILINE).matcher(section);
    List<String[]> rows = new ArrayList<>();
    while (m.find()) {
      rows.add(new String[] {m.group(1), m.group(2)});
    }
    assertTrue(rows.size() >= 10, "rows found: " + rows.size());
    String cwd = Path.of("w.npy").toAbsolutePath().normalize().toString();
    for (String[] row : rows) {
      String expected = row[1].replace("/current/dir/w.npy", cwd);
      SpecException e = assertThrows(SpecException.class, () -> SpecParser.parseInline(row[0]), row[0]);
      assertEquals(expected, e.getMessage(), row[0]);
    }
  }
}
