package io.batchjac.engine.lang;

import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Turns a parsed {@link Program} into a {@link Graph} through a {@link GraphBuilder}, resolving
 * names, evaluating constants ({@link ConstEval}) and checking shapes. Every
 * {@code ShapeException} (or other argument error) of the builder is rethrown as a
 * {@link SpecException} at the operator's or function's token, keeping the builder's message,
 * which names the operation and both shapes.
 *
 * <p>Constant subexpressions ({@code 2*pi}, {@code -1}, {@code [1, 2]}) are folded into single
 * constant nodes, so that {@code x^-1} gets a constant exponent.
 *
 * <p>Helpers with one job each: {@link Calls} (built-in functions), {@link Distributions}
 * ({@code ~ uniform(a, b)}), {@link NpyLoader} ({@code load("file.npy")}), {@link Models}
 * ({@code model NAME = load("file.onnx")} and its calls), {@link Guard}
 * (builder errors to positioned errors).
 */
final class Lowering {
  private final SourceText src;
  private final Path baseDir;
  private final TensorFiles files;
  private final GraphBuilder b = new GraphBuilder();
  private final Calls calls;
  private final Models models;
  /** Names defined so far, in definition order. */
  private final Map<String, Defined> scope = new LinkedHashMap<>();
  /** Every name the program defines, with its first definition (to explain forward references). */
  private final Map<String, Token> everywhere = new HashMap<>();
  private int outputs;

  private record Defined(Node node, Token at) {}

  private Lowering(SourceText src, Path baseDir, TensorFiles files, List<Path> loadingModels) {
    this.files = files;
    this.src = src;
    this.baseDir = baseDir;
    this.calls = new Calls(src, b, this::lower);
    this.models = new Models(src, baseDir, files, b, loadingModels);
  }

  /** The graph of {@code program}; {@code load} paths resolve against {@code baseDir} (null: the current directory). */
  static Graph lower(SourceText src, Program program, Path baseDir, TensorFiles files) {
    return lower(src, program, baseDir, files, List.of());
  }

  /** As above, for a {@code .fn} model inside the model files {@code loadingModels} (outermost first). */
  static Graph lower(SourceText src, Program program, Path baseDir, TensorFiles files, List<Path> loadingModels) {
    return new Lowering(src, baseDir, files, loadingModels).run(program);
  }

  private Graph run(Program program) {
    for (Stmt s : program.statements()) {
      if (s.name() != null) {
        everywhere.putIfAbsent(s.name().text(), s.name());
      }
    }
    for (Stmt s : program.statements()) {
      if (s instanceof Stmt.Input in) {
        input(in);
      } else if (s instanceof Stmt.Param p) {
        param(p);
      } else if (s instanceof Stmt.Let l) {
        checkDefinable(l.name());
        define(l.name(), lower(l.value()));
      } else if (s instanceof Stmt.Output o) {
        output(o);
      } else if (s instanceof Stmt.Model m) {
        checkDefinable(m.name());
        models.declare(m);
      }
    }
    if (outputs == 0) {
      throw src.error(program.end(), "expected at least one 'output' statement but found end of file");
    }
    return b.build();
  }

  // ---------------------------------------------------------------- statements

  private void input(Stmt.Input in) {
    checkDefinable(in.name());
    int[] dims = new int[in.dims().size()];
    for (int i = 0; i < dims.length; i++) {
      Expr d = in.dims().get(i);
      dims[i] = ConstEval.integer(src, d, "a dimension must be a positive integer constant");
      if (dims[i] < 1) {
        throw src.error(d.at(), "a dimension must be a positive integer constant but found " + dims[i]);
      }
    }
    Distribution dist = in.distribution() == null ? null : Distributions.of(src, in.distribution());
    define(in.name(), guard(in.name(), () -> b.input(in.name().text(), Shape.of(dims), dist)));
  }

  private void param(Stmt.Param p) {
    checkDefinable(p.name());
    String req = "param '" + p.name().text() + "' must be a constant expression or load(\"file.npy\")";
    Tensor value = ConstEval.eval(src, p.value(), req, c -> NpyLoader.load(src, baseDir, files, c));
    define(p.name(), guard(p.name(), () -> b.param(p.name().text(), value)));
  }

  private void output(Stmt.Output o) {
    if (o.name() != null) {
      checkDefinable(o.name());
    }
    Node value = lower(o.value());
    String name = o.name() == null ? "out" + outputs : o.name().text();
    if (o.name() != null) {
      define(o.name(), value);
    }
    try {
      b.output(name, value);
    } catch (IllegalArgumentException e) {
      throw src.error(o.name() == null ? o.keyword() : o.name(), e.getMessage()
          + " (unnamed outputs are named out0, out1, ... by position)");
    }
    outputs++;
  }

  private void checkDefinable(Token name) {
    String n = name.text();
    if (ConstEval.isConstantName(n)) {
      throw src.error(name, "'" + n + "' is a built-in constant and cannot be redefined");
    }
    Defined d = scope.get(n);
    Token model = models.declaredAt(n);
    if (d != null || model != null) {
      throw src.error(name, "'" + n + "' is already defined at line " + (d != null ? d.at() : model).line());
    }
  }

  private void define(Token name, Node node) {
    scope.put(name.text(), new Defined(node, name));
  }

  // ---------------------------------------------------------------- expressions

  private Node lower(Expr e) {
    if (ConstEval.isConstant(e)) {
      Tensor t = ConstEval.eval(src, e, "expected a constant expression");
      return t.shape().rank() == 0 ? b.scalar(t.data()[0]) : b.constant(t);
    }
    if (e instanceof Expr.Name n) {
      return name(n);
    } else if (e instanceof Expr.Member m) {
      return member(m);
    } else if (e instanceof Expr.Unary u) {
      Node x = lower(u.operand());
      return u.op().equals("-") ? guard(u.at(), () -> b.neg(x)) : x;
    } else if (e instanceof Expr.Binary bin) {
      return binary(bin);
    } else if (e instanceof Expr.Call c) {
      return call(c);
    } else if (e instanceof Expr.Index ix) {
      return index(ix);
    } else if (e instanceof Expr.ListLit l) {
      return list(l);
    }
    throw src.error(e.at(), "expected an expression but found " + e.at().describe()
        + (e instanceof Expr.Str ? " (strings are only used in load(\"file.npy\"))" : ""));
  }

  /** A call of a model or a built-in function. */
  private Node call(Expr.Call c) {
    if (models.isModel(c.name())) {
      return models.call(c, this::lower);
    }
    Token later = everywhere.get(c.name());
    if (later != null && !scope.containsKey(c.name()) && Functions.get(c.name()) == null) {
      throw src.error(c.at(), "'" + c.name() + "' is used before its definition at line " + later.line());
    }
    return calls.call(c, scope::containsKey);
  }

  /** A model's param {@code NAME.P}. */
  private Node member(Expr.Member m) {
    String model = m.at().text();
    Token later = everywhere.get(model);
    if (!models.isModel(model) && !scope.containsKey(model) && later != null) {
      throw src.error(m.at(), "'" + model + "' is used before its definition at line " + later.line());
    }
    return models.param(m, scope.containsKey(model));
  }

  private Node name(Expr.Name n) {
    String name = n.name();
    Defined d = scope.get(name);
    if (d != null) {
      return d.node();
    }
    if (models.isModel(name)) {
      throw models.usedAsValue(n);
    }
    Functions.Signature sig = Functions.get(name);
    if (sig != null) {
      throw src.error(n.at(), "expected a value but found function '" + name + "' (call it as "
          + sig.usage() + ")");
    }
    Token later = everywhere.get(name);
    if (later != null) {
      throw src.error(n.at(), "'" + name + "' is used before its definition at line " + later.line());
    }
    List<String> candidates = new ArrayList<>(scope.keySet());
    candidates.add("pi");
    candidates.add("e");
    candidates.addAll(Functions.names());
    throw src.error(n.at(), "unknown name '" + name + "'" + Suggest.didYouMean(name, candidates));
  }

  private Node binary(Expr.Binary e) {
    Node x = lower(e.left());
    Node y = lower(e.right());
    return guard(e.at(), () -> switch (e.op()) {
      case "+" -> b.add(x, y);
      case "-" -> b.sub(x, y);
      case "*" -> b.mul(x, y);
      case "/" -> b.div(x, y);
      case "^" -> b.pow(x, y);
      case "@" -> b.matmul(x, y);
      case "<" -> b.lt(x, y);
      case "<=" -> b.le(x, y);
      case ">" -> b.gt(x, y);
      case ">=" -> b.ge(x, y);
      default -> b.binary(e.op(), x, y);
    });
  }

  private Node index(Expr.Index ix) {
    Node x = lower(ix.target());
    Shape s = x.shape();
    List<Expr.IndexItem> items = ix.items();
    if (items.size() > s.rank()) {
      throw src.error(ix.at(), "expected at most " + s.rank() + (s.rank() == 1 ? " index" : " indices")
          + " for a value of shape " + s + " but found " + items.size());
    }
    // Right to left: removing axis i does not move the axes before it.
    for (int i = items.size() - 1; i >= 0; i--) {
      Expr.IndexItem item = items.get(i);
      int len = s.dim(i);
      int axis = i;
      if (item.isSlice()) {
        int lo = item.lo() == null ? 0 : bound(item.lo(), axis, s);
        int hi = item.hi() == null ? len : bound(item.hi(), axis, s);
        if (lo >= hi) {
          throw src.error(item.at(), "empty slice " + lo + ":" + hi + " of axis " + axis
              + " of length " + len + " (shape " + s + ")");
        }
        Node from = x;
        x = guard(item.at(), () -> b.sliceAxis(from, axis, lo, hi));
      } else {
        int k = ConstEval.integer(src, item.index(), "an index must be an integer constant");
        int kk = k < 0 ? k + len : k;
        if (kk < 0 || kk >= len) {
          throw src.error(item.at(), "index " + k + " is out of range for axis " + axis
              + " of length " + len + " (shape " + s + ")");
        }
        Node from = x;
        x = guard(item.at(), () -> b.index(from, axis, kk));
      }
    }
    return x;
  }

  /** A slice bound: an integer constant in [-len, len], negative counting from the end. */
  private int bound(Expr e, int axis, Shape s) {
    int len = s.dim(axis);
    int k = ConstEval.integer(src, e, "a slice bound must be an integer constant");
    if (k < -len || k > len) {
      throw src.error(e.at(), "slice bound " + k + " is out of range for axis " + axis
          + " of length " + len + " (shape " + s + ")");
    }
    return k < 0 ? k + len : k;
  }

  /** Stacks equal-shaped elements along a new first axis (the list is not all constant). */
  private Node list(Expr.ListLit l) {
    List<Expr> els = l.elements();
    Node[] xs = new Node[els.size()];
    Shape first = null;
    for (int i = 0; i < xs.length; i++) {
      Node x = lower(els.get(i));
      if (first == null) {
        first = x.shape();
      } else if (!x.shape().equals(first)) {
        throw ConstEval.raggedList(src, els.get(i), first, x.shape());
      }
      Shape one = first.prepend(1);
      xs[i] = guard(els.get(i).at(), () -> b.reshape(x, one));
    }
    return guard(l.at(), () -> b.concat(0, xs));
  }

  private Node guard(Token at, Supplier<Node> f) {
    return Guard.at(src, at, f);
  }
}
