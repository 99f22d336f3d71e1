package io.batchjac.engine.lang;

import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;
import java.util.function.Function;

/**
 * Evaluates constant expressions at parse time: number literals, {@code pi}, {@code e}, list
 * literals, unary {@code + -}, the elementwise operators {@code + - * / ^} and comparisons (with
 * NumPy broadcasting) and the elementwise functions, using exactly the scalar definitions of
 * {@link Elementwise} that the executor runs. Used for distribution arguments, shapes, indices,
 * axes, parameter values, and to fold constant subexpressions of the graph.
 *
 * <p>Anything else (names other than {@code pi} and {@code e}, {@code @}, indexing, reductions)
 * is not constant: {@link #eval} then throws a {@link SpecException} at that subexpression,
 * {@code <requirement> but found name 'x'}. {@code load("file.npy")} is constant only where a
 * loader is given (parameter definitions).
 */
final class ConstEval {
  private final SourceText src;
  private final String requirement;
  private final Function<Expr.Call, Tensor> loader;

  private ConstEval(SourceText src, String requirement, Function<Expr.Call, Tensor> loader) {
    this.src = src;
    this.requirement = requirement;
    this.loader = loader;
  }

  /**
   * True when {@code e} is a constant expression (without {@code load}), so that {@link #eval}
   * succeeds or fails only for a shape or argument error.
   */
  static boolean isConstant(Expr e) {
    if (e instanceof Expr.Num) {
      return true;
    } else if (e instanceof Expr.Name n) {
      return isConstantName(n.name());
    } else if (e instanceof Expr.Unary u) {
      return isConstant(u.operand());
    } else if (e instanceof Expr.Binary b) {
      return !b.op().equals("@") && isConstant(b.left()) && isConstant(b.right());
    } else if (e instanceof Expr.Call c) {
      return c.keywords().isEmpty()
          && ((Functions.UNARY.contains(c.name()) && c.args().size() == 1)
              || (Functions.BINARY.contains(c.name()) && c.args().size() == 2))
          && c.args().stream().allMatch(ConstEval::isConstant);
    } else if (e instanceof Expr.ListLit l) {
      return l.elements().stream().allMatch(ConstEval::isConstant);
    }
    return false;
  }

  /** True for {@code pi} and {@code e}. */
  static boolean isConstantName(String name) {
    return name.equals("pi") || name.equals("e");
  }

  /**
   * The value of {@code e}; a non-constant subexpression gives
   * {@code "<requirement> but found <it>"} at its position.
   */
  static Tensor eval(SourceText src, Expr e, String requirement) {
    return new ConstEval(src, requirement, null).value(e);
  }

  /** As {@link #eval(SourceText, Expr, String)}, with {@code load(...)} calls read by {@code loader}. */
  static Tensor eval(SourceText src, Expr e, String requirement, Function<Expr.Call, Tensor> loader) {
    return new ConstEval(src, requirement, loader).value(e);
  }

  /** An integer-valued scalar constant ({@code requirement} is e.g. "index must be an integer constant"). */
  static int integer(SourceText src, Expr e, String requirement) {
    Tensor t = eval(src, e, requirement);
    if (t.shape().rank() != 0) {
      throw src.error(e.at(), requirement + " but found a value of shape " + t.shape());
    }
    double v = t.data()[0];
    if (v != Math.rint(v) || Math.abs(v) > Integer.MAX_VALUE) {
      throw src.error(e.at(), requirement + " but found " + format(v));
    }
    return (int) v;
  }

  /** A scalar constant. */
  static double scalar(SourceText src, Expr e, String requirement) {
    Tensor t = eval(src, e, requirement);
    if (t.shape().rank() != 0) {
      throw src.error(e.at(), requirement + " but found a value of shape " + t.shape());
    }
    return t.data()[0];
  }

  /** A number as written in messages: integers without a decimal point. */
  static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  private Tensor value(Expr e) {
    if (e instanceof Expr.Num n) {
      return Tensor.scalar(n.value());
    } else if (e instanceof Expr.Name n && isConstantName(n.name())) {
      return Tensor.scalar(n.name().equals("pi") ? Math.PI : Math.E);
    } else if (e instanceof Expr.Unary u) {
      Tensor x = value(u.operand());
      return u.op().equals("-") ? map(x, v -> -v) : x;
    } else if (e instanceof Expr.Binary b && !b.op().equals("@")) {
      Binary op = b.op().equals("^") ? Elementwise.POW : Elementwise.binary(b.op());
      Tensor left = value(b.left());
      Tensor right = value(b.right());
      return zip(b.at(), b.op(), left, right, op.fn());
    } else if (e instanceof Expr.Call c) {
      return call(c);
    } else if (e instanceof Expr.ListLit l) {
      return list(l);
    }
    throw notConstant(e);
  }

  private Tensor call(Expr.Call c) {
    Functions.Signature sig = Functions.get(c.name());
    if (sig != null && c.name().equals("load") && loader != null) {
      Functions.check(src, sig, c);
      return loader.apply(c);
    }
    if (sig == null || !Functions.isElementwise(c.name())) {
      throw notConstant(c);
    }
    Functions.check(src, sig, c);
    if (c.args().size() == 1) {
      DoubleUnaryOperator f = Elementwise.unary(c.name()).fn();
      return map(value(c.args().get(0)), f);
    }
    DoubleBinaryOperator f = Elementwise.binary(c.name()).fn();
    return zip(c.at(), c.name(), value(c.args().get(0)), value(c.args().get(1)), f);
  }

  private Tensor list(Expr.ListLit l) {
    Tensor first = value(l.elements().get(0));
    int n = first.size();
    double[] data = new double[n * l.elements().size()];
    System.arraycopy(first.toC().data(), 0, data, 0, n);
    for (int i = 1; i < l.elements().size(); i++) {
      Expr el = l.elements().get(i);
      Tensor t = value(el);
      if (!t.shape().equals(first.shape())) {
        throw raggedList(src, el, first.shape(), t.shape());
      }
      System.arraycopy(t.toC().data(), 0, data, i * n, n);
    }
    return Tensor.of(first.shape().prepend(l.elements().size()), data);
  }

  /** The error for list elements of different shapes. */
  static SpecException raggedList(SourceText src, Expr element, Shape expected, Shape found) {
    return src.error(element.at(), "expected a list element of shape " + expected
        + " like the first one but found shape " + found + " (lists must not be ragged)");
  }

  private SpecException notConstant(Expr e) {
    return src.error(e.at(), requirement + " but found " + describe(e));
  }

  /** How a non-constant expression is named in messages. */
  private static String describe(Expr e) {
    if (e instanceof Expr.Name n) {
      return "name '" + n.name() + "'";
    } else if (e instanceof Expr.Call c) {
      return "a call of '" + c.name() + "'";
    } else if (e instanceof Expr.Index) {
      return "indexing '['";
    }
    return e.at().describe();
  }

  private static Tensor map(Tensor x, DoubleUnaryOperator f) {
    double[] in = x.toC().data();
    double[] out = new double[in.length];
    for (int i = 0; i < in.length; i++) {
      out[i] = f.applyAsDouble(in[i]);
    }
    return Tensor.of(x.shape(), out);
  }

  /** {@code f(a, b)} elementwise with NumPy broadcasting; {@code name} names the op in errors. */
  private Tensor zip(Token at, String name, Tensor a, Tensor b, DoubleBinaryOperator f) {
    Shape out = Shape.broadcastOrNull(a.shape(), b.shape());
    if (out == null) {
      throw src.error(at, name + ": shapes " + a.shape() + " and " + b.shape() + " do not broadcast");
    }
    double[] da = a.toC().data();
    double[] db = b.toC().data();
    int[] sa = broadcastStrides(a.shape(), out);
    int[] sb = broadcastStrides(b.shape(), out);
    int[] dims = out.dims();
    int[] idx = new int[dims.length];
    double[] res = new double[out.size()];
    for (int i = 0; i < res.length; i++) {
      int oa = 0;
      int ob = 0;
      for (int k = 0; k < dims.length; k++) {
        oa += idx[k] * sa[k];
        ob += idx[k] * sb[k];
      }
      res[i] = f.applyAsDouble(da[oa], db[ob]);
      for (int k = dims.length - 1; k >= 0; k--) {
        if (++idx[k] < dims[k]) {
          break;
        }
        idx[k] = 0;
      }
    }
    return Tensor.of(out, res);
  }

  /** Strides of {@code s} (row-major) aligned to {@code out}'s axes; 0 on broadcast axes. */
  private static int[] broadcastStrides(Shape s, Shape out) {
    int[] st = s.strides();
    int[] r = new int[out.rank()];
    int off = out.rank() - s.rank();
    for (int k = 0; k < s.rank(); k++) {
      r[off + k] = s.dim(k) == 1 ? 0 : st[k];
    }
    return r;
  }
}
