package io.batchjac.engine.lang;

import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import java.util.List;
import java.util.function.Function;

/**
 * Lowers the derivative operators {@code grad(e, v)}, {@code jacobian(e, v)}, {@code jvp(e, v, u)},
 * {@code vjp(e, v, w)} and {@code hessian(e, v)} to the {@link GraphBuilder} operators of the same
 * names (semantics there). The variable {@code v} must be the name of an {@code input} or a
 * {@code param}, or a model's param {@code NAME.P}; anything else (a binding, an output, a built-in constant, an expression) is an
 * error at the argument. Shape errors (a non-scalar {@code e} for grad or hessian, a {@code u} or
 * {@code w} of the wrong shape) are reported at the call with both shapes.
 */
final class DerivativeCalls {
  /** The operators, in documentation order. */
  static final List<String> NAMES = List.of("grad", "jacobian", "jvp", "vjp", "hessian");

  private final SourceText src;
  private final GraphBuilder b;
  private final Function<Expr, Node> lower;

  DerivativeCalls(SourceText src, GraphBuilder b, Function<Expr, Node> lower) {
    this.src = src;
    this.b = b;
    this.lower = lower;
  }

  /** The node of a call whose arity {@link Functions#check} has checked. */
  Node call(Expr.Call c) {
    List<Expr> a = c.args();
    Node e = lower.apply(a.get(0));
    Node v = variable(c, a.get(1));
    Node third = a.size() > 2 ? lower.apply(a.get(2)) : null;
    return Guard.at(src, c.at(), () -> switch (c.name()) {
      case "grad" -> b.grad(e, v);
      case "jacobian" -> b.jacobian(e, v);
      case "jvp" -> b.jvp(e, v, third);
      case "vjp" -> b.vjp(e, v, third);
      case "hessian" -> b.hessian(e, v);
      default -> throw new IllegalStateException("not a derivative operator: " + c.name());
    });
  }

  /** The leaf named by the second argument. */
  private Node variable(Expr.Call c, Expr arg) {
    String expected = c.name() + ": expected the name of an input, a param or a model's param (NAME.P) to differentiate with respect to";
    if (arg instanceof Expr.Member) {
      return lower.apply(arg); // a model's param NAME.P (errors at the argument)
    }
    if (!(arg instanceof Expr.Name name)) {
      throw src.error(arg.at(), expected + " but found an expression (" + arg.at().describe()
          + "); differentiate with respect to the input or param it is computed from");
    }
    if (ConstEval.isConstantName(name.name())) {
      throw src.error(arg.at(), expected + " but found the built-in constant '" + name.name() + "'");
    }
    Node v = lower.apply(arg);
    if (v.kind() != Node.Kind.INPUT && v.kind() != Node.Kind.PARAM) {
      throw src.error(arg.at(), expected + " but '" + name.name() + "' is a binding (a computed value); "
          + "differentiate with respect to the input or param it is computed from");
    }
    return v;
  }
}
