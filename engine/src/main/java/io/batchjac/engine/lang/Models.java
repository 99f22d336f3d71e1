package io.batchjac.engine.lang;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Model;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.onnx.OnnxImporter;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The models of one spec: {@code model NAME = load("file.onnx")} (or a {@code .fn} file) declares
 * one, {@code NAME(a, b, ...)} calls it ({@link Model} states what a call computes and how the
 * model's params {@code NAME.P} are shared).
 *
 * <p>Model files are read through the spec's {@link TensorFiles} ({@link TensorFiles#bytes}),
 * relative to the spec's directory like every {@code load}; a {@code .fn} model's own
 * {@code load}s are relative to its directory. Errors are {@link SpecException}s at the
 * declaration or the call: a file kind other than {@code .onnx}/{@code .fn}, a model file that
 * loads itself (directly or through other models), an error inside the model file (its message
 * quoted), a name used for two things, a call with the wrong number of arguments or shapes, a
 * model used as a value.
 */
final class Models {
  /**
   * Deepest nesting of model files (a model that loads a model ...): deeper is refused, which
   * also ends a recursion that path comparison cannot see (through a symbolic link).
   */
  static final int MAX_DEPTH = 32;

  private final SourceText src;
  private final Path baseDir;
  private final TensorFiles files;
  private final GraphBuilder b;
  /** The model files being loaded around this spec, outermost first (to refuse recursion). */
  private final List<Path> loading;
  private final Map<String, Declared> declared = new LinkedHashMap<>();

  private record Declared(Model model, Token at) {}

  Models(SourceText src, Path baseDir, TensorFiles files, GraphBuilder b, List<Path> loading) {
    this.src = src;
    this.baseDir = baseDir;
    this.files = files;
    this.b = b;
    this.loading = loading;
  }

  /** True when {@code name} is a declared model. */
  boolean isModel(String name) {
    return declared.containsKey(name);
  }

  /** Where model {@code name} is declared, or null. */
  Token declaredAt(String name) {
    Declared d = declared.get(name);
    return d == null ? null : d.at();
  }

  /** Declares the model of {@code m} (its name already checked against the spec's values). */
  void declare(Stmt.Model m) {
    String name = m.name().text();
    if (Functions.get(name) != null) {
      throw src.error(m.name(), "'" + name + "' is a built-in function and cannot name a model");
    }
    if (!(m.value() instanceof Expr.Call c) || !c.name().equals("load") || c.args().size() != 1
        || !c.keywords().isEmpty()) {
      throw src.error(m.value().at(), "a model is declared as model " + name
          + " = load(\"file.onnx\") or load(\"file.fn\") but found " + m.value().at().describe());
    }
    Token file = c.args().get(0).at();
    String kind = file.text().strip().toLowerCase(Locale.ROOT);
    boolean onnx = kind.endsWith(".onnx");
    if (c.args().get(0) instanceof Expr.Str && !onnx && !kind.endsWith(".fn")) {
      throw src.error(file, "unknown model file kind \"" + file.text() + "\": expected a .onnx (ONNX model) or .fn "
          + "(function language) file");
    }
    Path path = LoadPath.resolve(src, baseDir, files, c);
    Graph graph = graph(name, file, path, onnx);
    Model model = Guard.at(src, m.name(), () -> b.model(name, graph));
    declared.put(name, new Declared(model, m.name()));
  }

  /** The model's graph from its file: an ONNX model or a {@code .fn} spec. */
  private Graph graph(String name, Token file, Path path, boolean onnx) {
    String given = file.text();
    if (loading.contains(path)) {
      List<Path> cycle = new ArrayList<>(loading.subList(loading.indexOf(path), loading.size()));
      cycle.add(path);
      throw src.error(file, "model '" + name + "' loads " + path + ", which is being loaded: a model cannot call "
          + "itself (" + cycle.stream().map(p -> p.getFileName().toString()).collect(Collectors.joining(" -> ")) + ")");
    }
    if (loading.size() >= MAX_DEPTH) {
      throw src.error(file, "model '" + name + "' would nest model files more than " + MAX_DEPTH
          + " deep (a model that loads a model ...): is a model loading itself through a link?");
    }
    byte[] content;
    try {
      content = files.bytes(path);
    } catch (FileAccessException e) {
      throw src.error(file, "cannot load \"" + given + "\": " + e.getMessage());
    } catch (IOException e) {
      throw src.error(file, "cannot load \"" + given + "\": cannot read " + path + ": " + e);
    }
    try {
      if (onnx) {
        return OnnxImporter.importBytes(content, given).graph();
      }
      List<Path> inner = new ArrayList<>(loading);
      inner.add(path);
      SourceText text = new SourceText(given, SpecParser.decode(content, given));
      return Lowering.lower(text, Parser.parse(text), path.getParent(), files, inner);
    } catch (SpecException e) {
      throw src.error(file, "in model '" + name + "': " + e.getMessage());
    }
  }

  /** The node of {@code NAME(args)} for a declared model NAME; arguments lowered by {@code lower}. */
  Node call(Expr.Call c, Function<Expr, Node> lower) {
    Model model = declared.get(c.name()).model();
    if (!c.keywords().isEmpty()) {
      throw src.error(c.keywords().get(0).name(), "model '" + c.name() + "' takes its inputs by position ("
          + model.signature() + ") but found the keyword argument '" + c.keywords().get(0).name().text() + "='");
    }
    Node[] args = new Node[c.args().size()];
    for (int i = 0; i < args.length; i++) {
      args[i] = lower.apply(c.args().get(i));
    }
    return Guard.at(src, c.at(), () -> model.call(args));
  }

  /**
   * The param {@code NAME.P} of a declared model NAME (the node every call of it shares).
   *
   * @param isValue whether NAME names a value of the spec (an input, param or binding) instead
   */
  Node param(Expr.Member m, boolean isValue) {
    String name = m.at().text();
    Declared d = declared.get(name);
    if (d == null) {
      throw src.error(m.at(), "'" + name + "." + m.param() + "': " + (isValue
          ? "'" + name + "' is a value, not a model; '.' only reaches a model's params (NAME.P)"
          : "unknown model '" + name + "'" + Suggest.didYouMean(name, List.copyOf(declared.keySet()))));
    }
    Node p = d.model().param(m.param());
    if (p == null) {
      List<String> names = d.model().graph().params().stream().map(Node::name).toList();
      throw src.error(m.path().get(0), "model '" + name + "' has no param '" + m.param() + "'"
          + (names.isEmpty() ? " (it has no params)" : Suggest.didYouMean(m.param(), names)
              + "; its params: " + String.join(", ", names)));
    }
    return p;
  }

  /** The error for a model named where a value is expected. */
  SpecException usedAsValue(Expr.Name n) {
    Model model = declared.get(n.name()).model();
    return src.error(n.at(), "expected a value but found model '" + n.name() + "' (call it as "
        + model.signature() + ")");
  }
}
