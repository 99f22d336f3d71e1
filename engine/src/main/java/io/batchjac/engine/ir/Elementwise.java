package io.batchjac.engine.ir;

import io.batchjac.engine.math.VecMath;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table of elementwise primitives: each with its scalar definition and, beside it, its
 * derivative rule (from which {@link Unary} and {@link Binary} derive both the JVP and the VJP).
 *
 * <p>Conventions at kinks: {@code relu'(0) = 0}, {@code abs'(0) = 0}, {@code sign' = 0};
 * {@code max}/{@code min} pass the derivative to the first operand on ties; comparisons are not
 * differentiable (zero derivative). {@code sqrt'(0)}, {@code log'(0)} are infinite as in calculus.
 */
public final class Elementwise {
  private Elementwise() {}

  private static final Map<String, Unary> UNARY = new LinkedHashMap<>();
  private static final Map<String, Binary> BINARY = new LinkedHashMap<>();

  private static Unary unary(String name, java.util.function.DoubleUnaryOperator fn, Unary.Derivative d) {
    Unary u = new Unary(name, fn, d, false);
    UNARY.put(name, u);
    return u;
  }

  private static Binary binary(String name, java.util.function.DoubleBinaryOperator fn, Partial px, Partial py) {
    Binary op = new Binary(name, fn, px, py);
    BINARY.put(name, op);
    return op;
  }

  // ---- unary: name, definition, derivative f'(x) built from x and y = f(x) ----
  public static final Unary NEG = register(new Unary("neg", v -> -v, null, true));
  public static final Unary EXP = unary("exp", Math::exp, (b, x, y) -> y);
  public static final Unary EXPM1 = unary("expm1", Math::expm1, (b, x, y) -> b.add(y, b.scalar(1)));
  public static final Unary LOG = unary("log", Math::log, (b, x, y) -> b.div(b.scalar(1), x));
  public static final Unary LOG1P = unary("log1p", Math::log1p,
      (b, x, y) -> b.div(b.scalar(1), b.add(x, b.scalar(1))));
  public static final Unary SIN = unary("sin", VecMath::sin, (b, x, y) -> b.cos(x));
  public static final Unary COS = unary("cos", VecMath::cos, (b, x, y) -> b.neg(b.sin(x)));
  public static final Unary TAN = unary("tan", Math::tan,
      (b, x, y) -> b.add(b.scalar(1), b.mul(y, y)));
  public static final Unary ASIN = unary("asin", Math::asin,
      (b, x, y) -> b.powConst(b.sub(b.scalar(1), b.mul(x, x)), -0.5));
  public static final Unary ACOS = unary("acos", Math::acos,
      (b, x, y) -> b.neg(b.powConst(b.sub(b.scalar(1), b.mul(x, x)), -0.5)));
  public static final Unary ATAN = unary("atan", Math::atan,
      (b, x, y) -> b.div(b.scalar(1), b.add(b.scalar(1), b.mul(x, x))));
  public static final Unary SINH = unary("sinh", Math::sinh, (b, x, y) -> b.cosh(x));
  public static final Unary COSH = unary("cosh", Math::cosh, (b, x, y) -> b.sinh(x));
  public static final Unary TANH = unary("tanh", VecMath::tanh,
      (b, x, y) -> b.sub(b.scalar(1), b.mul(y, y)));
  public static final Unary SQRT = unary("sqrt", Math::sqrt, (b, x, y) -> b.div(b.scalar(0.5), y));
  public static final Unary CBRT = unary("cbrt", Math::cbrt,
      (b, x, y) -> b.div(b.scalar(1.0 / 3.0), b.mul(y, y)));
  public static final Unary ABS = unary("abs", Math::abs, (b, x, y) -> b.sign(x));
  public static final Unary SIGN = unary("sign", Math::signum, (b, x, y) -> null);
  public static final Unary ERF = unary("erf", MoreMath::erf,
      (b, x, y) -> b.mul(b.scalar(2 / Math.sqrt(Math.PI)), b.exp(b.neg(b.mul(x, x)))));
  public static final Unary SIGMOID = unary("sigmoid", MoreMath::sigmoid,
      (b, x, y) -> b.mul(y, b.sub(b.scalar(1), y)));
  public static final Unary RELU = unary("relu", v -> v > 0 ? v : 0.0,
      (b, x, y) -> b.gt(x, b.scalar(0)));
  public static final Unary SOFTPLUS = unary("softplus", MoreMath::softplus, (b, x, y) -> b.sigmoid(x));

  // ---- binary: name, definition, partial in x, partial in y ----
  public static final Binary ADD = binary("+", Double::sum, Partial.ONE, Partial.ONE);
  public static final Binary SUB = binary("-", (x, y) -> x - y, Partial.ONE, Partial.MINUS_ONE);
  public static final Binary MUL = binary("*", (x, y) -> x * y, (b, x, y, o) -> y, (b, x, y, o) -> x);
  public static final Binary DIV = register(Binary.quotient("/", (x, y) -> x / y, false));
  public static final Binary POW = binary("pow", Math::pow,
      (b, x, y, o) -> b.mul(y, b.pow(x, b.sub(y, b.scalar(1)))), (b, x, y, o) -> b.mul(b.log(x), o));
  public static final Binary ATAN2 = binary("atan2", Math::atan2,
      (b, x, y, o) -> b.div(y, b.add(b.mul(x, x), b.mul(y, y))),
      (b, x, y, o) -> b.neg(b.div(x, b.add(b.mul(x, x), b.mul(y, y)))));
  public static final Binary HYPOT = binary("hypot", Math::hypot,
      (b, x, y, o) -> b.div(x, o), (b, x, y, o) -> b.div(y, o));
  public static final Binary MAX = binary("max", (x, y) -> x >= y ? x : y,
      (b, x, y, o) -> b.ge(x, y), (b, x, y, o) -> b.lt(x, y));
  public static final Binary MIN = binary("min", (x, y) -> x <= y ? x : y,
      (b, x, y, o) -> b.le(x, y), (b, x, y, o) -> b.gt(x, y));
  /**
   * {@code zmul(x, y) = x == 0 ? 0 : x * y}: a product in which an exactly zero {@code x} is a
   * strong zero. The AD rules multiply (co)tangents by partial derivatives with it, so that the
   * zero cotangent {@code where} passes to its unchosen branch stays zero even where that branch's
   * derivative is infinite or NaN (e.g. {@code where(x > 0, sqrt(x), 0)} at x = 0). Otherwise
   * identical to {@code *}, NaN and inf included.
   */
  public static final Binary ZMUL = register(new Binary("zmul", (x, y) -> x == 0 ? 0 : x * y,
      (b, x, y, o) -> y, (b, x, y, o) -> x, true));
  /**
   * {@code zdiv(x, y) = x == 0 ? 0 : x / y}: a quotient in which an exactly zero {@code x} is a
   * strong zero, what the rules of {@code /} divide (co)tangents with (the zero cotangent of
   * {@code where}'s unchosen branch stays zero even where y is 0). Otherwise identical to
   * {@code /}.
   */
  public static final Binary ZDIV = register(Binary.quotient("zdiv", (x, y) -> x == 0 ? 0 : x / y, true));
  public static final Binary LT = binary("<", (x, y) -> x < y ? 1 : 0, Partial.ZERO, Partial.ZERO);
  public static final Binary LE = binary("<=", (x, y) -> x <= y ? 1 : 0, Partial.ZERO, Partial.ZERO);
  public static final Binary GT = binary(">", (x, y) -> x > y ? 1 : 0, Partial.ZERO, Partial.ZERO);
  public static final Binary GE = binary(">=", (x, y) -> x >= y ? 1 : 0, Partial.ZERO, Partial.ZERO);
  public static final Binary EQ = binary("==", (x, y) -> x == y ? 1 : 0, Partial.ZERO, Partial.ZERO);
  public static final Binary NE = binary("!=", (x, y) -> x != y ? 1 : 0, Partial.ZERO, Partial.ZERO);

  private static Binary register(Binary op) {
    BINARY.put(op.name(), op);
    return op;
  }

  private static Unary register(Unary u) {
    UNARY.put(u.name(), u);
    return u;
  }

  /** The unary primitive of that name, or null. */
  public static Unary unary(String name) {
    return UNARY.get(name);
  }

  /** The binary primitive of that name (operator symbol or function name), or null. */
  public static Binary binary(String name) {
    return BINARY.get(name);
  }

  /** All unary primitives, in table order (for tests and docs). */
  public static Map<String, Unary> unaries() {
    return java.util.Collections.unmodifiableMap(UNARY);
  }

  /** All binary primitives, in table order (for tests and docs). */
  public static Map<String, Binary> binaries() {
    return java.util.Collections.unmodifiableMap(BINARY);
  }
}
