package io.batchjac.engine.lang;

import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Lowers calls of the built-in functions ({@link Functions}) to {@link GraphBuilder} operations:
 * elementwise functions, {@code where}, reductions, {@code dot}, {@code norm}, {@code transpose},
 * {@code reshape} and {@code concat}, and the derivative operators ({@link DerivativeCalls}). Axes, permutations and dimensions are integer constants.
 */
final class Calls {
  private final SourceText src;
  private final GraphBuilder b;
  private final Function<Expr, Node> lower;
  private final DerivativeCalls derivatives;

  /** Calls lowered into {@code b}; {@code lower} lowers argument expressions. */
  Calls(SourceText src, GraphBuilder b, Function<Expr, Node> lower) {
    this.src = src;
    this.b = b;
    this.lower = lower;
    this.derivatives = new DerivativeCalls(src, b, lower);
  }

  private Node lower(Expr e) {
    return lower.apply(e);
  }

  private Node guard(Token at, Supplier<Node> f) {
    return Guard.at(src, at, f);
  }

  /** The node of a call; {@code isValue} tells whether a name is bound to a value. */
  Node call(Expr.Call c, Predicate<String> isValue) {
    String f = c.name();
    Functions.Signature sig = Functions.get(f);
    if (sig == null) {
      if (isValue.test(f)) {
        throw src.error(c.at(), "expected a function but found '" + f + "', which is a value");
      }
      throw src.error(c.at(), "unknown function '" + f + "'" + Suggest.didYouMean(f, Functions.names()));
    }
    Functions.check(src, sig, c);
    List<Expr> a = c.args();
    if (DerivativeCalls.NAMES.contains(f)) {
      return derivatives.call(c);
    }
    if (Functions.UNARY.contains(f)) {
      Node x = lower(a.get(0));
      return guard(c.at(), () -> b.unary(f, x));
    }
    switch (f) {
      case "pow": {
        Node x = lower(a.get(0));
        Node y = lower(a.get(1));
        return guard(c.at(), () -> b.pow(x, y));
      }
      case "atan2":
      case "hypot":
      case "min":
      case "max": {
        Node x = lower(a.get(0));
        Node y = lower(a.get(1));
        return guard(c.at(), () -> b.binary(f, x, y));
      }
      case "where": {
        Node cond = lower(a.get(0));
        Node x = lower(a.get(1));
        Node y = lower(a.get(2));
        return guard(c.at(), () -> b.where(cond, x, y));
      }
      case "sum":
      case "mean":
        return reduce(c);
      case "prod": {
        Node x = lower(a.get(0));
        return guard(c.at(), () -> b.prodAll(x));
      }
      case "dot": {
        Node x = lower(a.get(0));
        Node y = lower(a.get(1));
        return guard(c.at(), () -> b.dot(x, y));
      }
      case "norm": {
        Node x = lower(a.get(0));
        return guard(c.at(), () -> b.norm(x));
      }
      case "transpose":
        return transpose(c);
      case "reshape":
        return reshape(c);
      case "concat":
        return concat(c);
      case "load":
        throw src.error(c.at(), "load(\"file.npy\") is only allowed in a parameter definition: "
            + "param NAME = load(\"file.npy\")");
      default:
        throw new IllegalStateException("function without lowering: " + f);
    }
  }

  /** The {@code axis} argument (second positional or keyword), or null. */
  private Integer axis(Expr.Call c, int position) {
    Expr axis = c.args().size() > position ? c.args().get(position) : null;
    for (Expr.Keyword k : c.keywords()) {
      if (k.name().text().equals("axis")) {
        if (axis != null) {
          throw src.error(k.name(), c.name() + ": axis is given twice, as an argument and as axis=");
        }
        axis = k.value();
      }
    }
    return axis == null ? null : ConstEval.integer(src, axis, "an axis must be an integer constant");
  }

  private Node reduce(Expr.Call c) {
    Node x = lower(c.args().get(0));
    Integer axis = axis(c, 1);
    boolean mean = c.name().equals("mean");
    if (axis == null) {
      return guard(c.at(), () -> mean ? b.meanAll(x) : b.sumAll(x));
    }
    return guard(c.at(), () -> {
      Node sum = b.sum(x, axis);
      return mean ? b.div(sum, b.scalar(x.shape().dim(axis))) : sum;
    });
  }

  private Node transpose(Expr.Call c) {
    Node x = lower(c.args().get(0));
    if (c.args().size() == 1) {
      return guard(c.at(), () -> b.transpose(x));
    }
    int[] perm = new int[c.args().size() - 1];
    for (int i = 0; i < perm.length; i++) {
      perm[i] = ConstEval.integer(src, c.args().get(i + 1), "an axis must be an integer constant");
    }
    return guard(c.at(), () -> b.transpose(x, perm));
  }

  private Node reshape(Expr.Call c) {
    Node x = lower(c.args().get(0));
    List<Expr> dimExprs = c.args().size() == 2 && c.args().get(1) instanceof Expr.ListLit l
        ? l.elements() : c.args().subList(1, c.args().size());
    int[] dims = new int[dimExprs.size()];
    int infer = -1;
    long known = 1;
    for (int i = 0; i < dims.length; i++) {
      Expr d = dimExprs.get(i);
      dims[i] = ConstEval.integer(src, d, "a dimension must be an integer constant");
      if (dims[i] == -1 && infer < 0) {
        infer = i;
      } else if (dims[i] < 1) {
        throw src.error(d.at(), "expected a positive dimension (or one -1) but found " + dims[i]);
      } else {
        known *= dims[i];
      }
    }
    int size = x.shape().size();
    if (infer >= 0) {
      if (size % known != 0) {
        throw src.error(c.at(), "reshape: cannot reshape " + x.shape() + " (" + size
            + " elements) to " + Arrays.toString(dims));
      }
      dims[infer] = (int) (size / known);
    }
    return guard(c.at(), () -> b.reshape(x, Shape.of(dims)));
  }

  private Node concat(Expr.Call c) {
    Node[] xs = new Node[c.args().size()];
    for (int i = 0; i < xs.length; i++) {
      xs[i] = lower(c.args().get(i));
    }
    Integer axis = axis(c, Integer.MAX_VALUE);
    int ax = axis == null ? 0 : axis;
    return guard(c.at(), () -> {
      if (xs[0].shape().rank() == 0) {
        throw new IllegalArgumentException("concat: cannot join scalars (shape []); write [a, b] instead");
      }
      return b.concat(ax, xs);
    });
  }
}
