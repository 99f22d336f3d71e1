package io.batchjac.engine.lang;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The built-in functions of the language: their names, how many positional arguments they take,
 * which keyword arguments they accept, and a usage line for error messages. What they compute is
 * in {@link Lowering}; their documentation is {@code docs/language.md}.
 */
final class Functions {
  private Functions() {}

  /** Elementwise functions of one argument (primitives of {@code ir.Elementwise}). */
  static final List<String> UNARY = List.of("sin", "cos", "tan", "asin", "acos", "atan", "sinh",
      "cosh", "tanh", "exp", "expm1", "log", "log1p", "sqrt", "cbrt", "abs", "sign", "erf",
      "sigmoid", "relu", "softplus");

  /** Elementwise functions of two arguments, with broadcasting. */
  static final List<String> BINARY = List.of("atan2", "pow", "hypot", "min", "max");

  /** How a function is called: {@code max < 0} means any number of arguments from {@code min}. */
  record Signature(String name, int min, int max, String usage, Set<String> keywords) {
    String arity() {
      String n;
      if (max < 0) {
        n = "at least " + min;
      } else if (min == max) {
        n = String.valueOf(min);
      } else if (max == min + 1) {
        n = min + " or " + max;
      } else {
        n = min + " to " + max;
      }
      return n + (min == 1 && max == 1 ? " argument" : " arguments");
    }
  }

  private static final Map<String, Signature> ALL = new LinkedHashMap<>();

  static {
    for (String f : UNARY) {
      add(f, 1, 1, f + "(x)");
    }
    add("atan2", 2, 2, "atan2(y, x)");
    add("pow", 2, 2, "pow(x, y)");
    add("hypot", 2, 2, "hypot(x, y)");
    add("min", 2, 2, "min(a, b)");
    add("max", 2, 2, "max(a, b)");
    add("where", 3, 3, "where(cond, a, b)");
    add("sum", 1, 2, "sum(x) or sum(x, axis)", "axis");
    add("mean", 1, 2, "mean(x) or mean(x, axis)", "axis");
    add("prod", 1, 1, "prod(x)");
    add("dot", 2, 2, "dot(a, b)");
    add("norm", 1, 1, "norm(x)");
    add("transpose", 1, -1, "transpose(x) or transpose(x, axis0, axis1, ...)");
    add("reshape", 2, -1, "reshape(x, d1, d2, ...) or reshape(x, [d1, d2, ...])");
    add("concat", 1, -1, "concat(a, b, ..., axis=0)", "axis");
    add("load", 1, 1, "load(\"file.npy\")");
    add("grad", 2, 2, "grad(e, v): e a scalar, v an input or param");
    add("jacobian", 2, 2, "jacobian(e, v): v an input or param");
    add("jvp", 3, 3, "jvp(e, v, u): v an input or param, u shaped like v");
    add("vjp", 3, 3, "vjp(e, v, w): v an input or param, w shaped like e");
    add("hessian", 2, 2, "hessian(e, v): e a scalar, v an input or param");
  }

  private static void add(String name, int min, int max, String usage, String... keywords) {
    ALL.put(name, new Signature(name, min, max, usage, Set.of(keywords)));
  }

  /** The signature of a built-in function, or null. */
  static Signature get(String name) {
    return ALL.get(name);
  }

  /** All function names, in documentation order. */
  static Set<String> names() {
    return Collections.unmodifiableSet(ALL.keySet());
  }

  /** True for the elementwise functions, which are also allowed in constant expressions. */
  static boolean isElementwise(String name) {
    return UNARY.contains(name) || BINARY.contains(name);
  }

  /**
   * Checks a call's number of positional arguments and its keyword arguments against the
   * signature; throws a {@link SpecException} naming the function and what it expects.
   */
  static void check(SourceText src, Signature sig, Expr.Call call) {
    for (Expr.Keyword k : call.keywords()) {
      String key = k.name().text();
      if (!sig.keywords().contains(key)) {
        String problem = sig.keywords().isEmpty()
            ? sig.name() + " takes no keyword arguments (" + sig.usage() + ") but found '" + key + "='"
            : "expected one of the keyword arguments " + sig.keywords() + " of " + sig.name()
                + " but found '" + key + "'" + Suggest.didYouMean(key, sig.keywords());
        throw src.error(k.name(), problem);
      }
    }
    for (int i = 0; i < call.keywords().size(); i++) {
      for (int j = 0; j < i; j++) {
        if (call.keywords().get(i).name().text().equals(call.keywords().get(j).name().text())) {
          throw src.error(call.keywords().get(i).name(), "argument '"
              + call.keywords().get(i).name().text() + "' is given twice");
        }
      }
    }
    int n = call.args().size();
    if (n < sig.min() || (sig.max() >= 0 && n > sig.max())) {
      throw src.error(call.at(), sig.name() + " expects " + sig.arity() + " (" + sig.usage()
          + ") but found " + n);
    }
  }
}
