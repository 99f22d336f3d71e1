package io.batchjac.engine.ir;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.Kernels;
import io.batchjac.engine.math.VecMath;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The table of elementwise primitives: each with its scalar definition and, beside it, its
 * derivative rule (from which {@link Unary} and {@link Binary} derive both the JVP and the VJP).
 * The definition, a Java expression in {@code x} (and {@code y}), is the only place a primitive's
 * arithmetic is written: the scalar function ({@code fn()}), the interpreter's loops and the
 * fused groups' code are all generated from it ({@link io.batchjac.engine.codegen.Kernels}).
 *
 * <p>Conventions at kinks: {@code relu'(0) = 0}, {@code abs'(0) = 0}, {@code sign' = 0};
 * {@code max}/{@code min} pass the derivative to the first operand on ties; comparisons are not
 * differentiable (zero derivative). {@code sqrt'(0)}, {@code log'(0)} are infinite as in calculus.
 */
public final class Elementwise {
  private Elementwise() {}

  private static final Map<String, Unary> UNARY = new LinkedHashMap<>();
  private static final Map<String, Binary> BINARY = new LinkedHashMap<>();

  private static final String VEC = "io.batchjac.engine.math.VecMath.";
  private static final String MORE = "io.batchjac.engine.ir.MoreMath.";

  private static Unary unary(String name, String definition, Unary.Derivative d) {
    return register(new Unary(Definition.unary(name, definition), d, false));
  }

  /** A unary primitive computed over tiles by a vectorized kernel of {@link VecMath}. */
  private static Unary vectorized(String name, Unary.Derivative d) {
    return register(new Unary(Definition.unary(name, VEC + name + "(x)", VEC + name), d, false));
  }

  private static Binary binary(String name, String definition, Partial px, Partial py) {
    return register(new Binary(Definition.binary(name, definition), px, py));
  }

  // ---- unary: name, definition (a Java expression in x), derivative f'(x) built from x and y = f(x) ----
  public static final Unary NEG = register(new Unary(Definition.unary("neg", "-x"), null, true));
  public static final Unary EXP = vectorized("exp", (b, x, y) -> y);
  public static final Unary EXPM1 = unary("expm1", "Math.expm1(x)", (b, x, y) -> b.add(y, b.scalar(1)));
  public static final Unary LOG = vectorized("log", (b, x, y) -> b.div(b.scalar(1), x));
  public static final Unary LOG1P = unary("log1p", "Math.log1p(x)",
      (b, x, y) -> b.div(b.scalar(1), b.add(x, b.scalar(1))));
  public static final Unary SIN = vectorized("sin", (b, x, y) -> b.cos(x));
  public static final Unary COS = vectorized("cos", (b, x, y) -> b.neg(b.sin(x)));
  public static final Unary TAN = unary("tan", "Math.tan(x)",
      (b, x, y) -> b.add(b.scalar(1), b.mul(y, y)));
  public static final Unary ASIN = unary("asin", "Math.asin(x)",
      (b, x, y) -> b.powConst(b.sub(b.scalar(1), b.mul(x, x)), -0.5));
  public static final Unary ACOS = unary("acos", "Math.acos(x)",
      (b, x, y) -> b.neg(b.powConst(b.sub(b.scalar(1), b.mul(x, x)), -0.5)));
  public static final Unary ATAN = unary("atan", "Math.atan(x)",
      (b, x, y) -> b.div(b.scalar(1), b.add(b.scalar(1), b.mul(x, x))));
  public static final Unary SINH = unary("sinh", "Math.sinh(x)", (b, x, y) -> b.cosh(x));
  public static final Unary COSH = unary("cosh", "Math.cosh(x)", (b, x, y) -> b.sinh(x));
  public static final Unary TANH = vectorized("tanh", (b, x, y) -> b.sub(b.scalar(1), b.mul(y, y)));
  public static final Unary SQRT = unary("sqrt", "Math.sqrt(x)", (b, x, y) -> b.div(b.scalar(0.5), y));
  public static final Unary CBRT = unary("cbrt", "Math.cbrt(x)",
      (b, x, y) -> b.div(b.scalar(1.0 / 3.0), b.mul(y, y)));
  public static final Unary ABS = unary("abs", "Math.abs(x)", (b, x, y) -> b.sign(x));
  public static final Unary SIGN = unary("sign", "Math.signum(x)", (b, x, y) -> null);
  public static final Unary ERF = unary("erf", MORE + "erf(x)",
      (b, x, y) -> b.mul(b.scalar(2 / Math.sqrt(Math.PI)), b.exp(b.neg(b.mul(x, x)))));
  public static final Unary SIGMOID = vectorized("sigmoid",
      (b, x, y) -> b.mul(y, b.sub(b.scalar(1), y)));
  public static final Unary RELU = unary("relu", "x > 0 ? x : 0.0",
      (b, x, y) -> b.gt(x, b.scalar(0)));
  public static final Unary SOFTPLUS = unary("softplus", MORE + "softplus(x)", (b, x, y) -> b.sigmoid(x));

  // ---- binary: name, definition (a Java expression in x and y), partial in x, partial in y ----
  public static final Binary ADD = binary("+", "x + y", Partial.ONE, Partial.ONE);
  public static final Binary SUB = binary("-", "x - y", Partial.ONE, Partial.MINUS_ONE);
  public static final Binary MUL = binary("*", "x * y", (b, x, y, o) -> y, (b, x, y, o) -> x);
  public static final Binary DIV = register(Binary.quotient(Definition.binary("/", "x / y")));
  public static final Binary POW = binary("pow", "Math.pow(x, y)",
      (b, x, y, o) -> b.mul(y, b.pow(x, b.sub(y, b.scalar(1)))), (b, x, y, o) -> b.mul(b.log(x), o));
  public static final Binary ATAN2 = binary("atan2", "Math.atan2(x, y)",
      (b, x, y, o) -> b.div(y, b.add(b.mul(x, x), b.mul(y, y))),
      (b, x, y, o) -> b.neg(b.div(x, b.add(b.mul(x, x), b.mul(y, y)))));
  public static final Binary HYPOT = binary("hypot", "Math.hypot(x, y)",
      (b, x, y, o) -> b.div(x, o), (b, x, y, o) -> b.div(y, o));
  public static final Binary MAX = binary("max", "x >= y ? x : y",
      (b, x, y, o) -> b.ge(x, y), (b, x, y, o) -> b.lt(x, y));
  public static final Binary MIN = binary("min", "x <= y ? x : y",
      (b, x, y, o) -> b.le(x, y), (b, x, y, o) -> b.gt(x, y));
  /**
   * {@code zmul(x, y) = x == 0 ? 0 : x * y}: a product in which an exactly zero {@code x} is a
   * strong zero. The AD rules multiply (co)tangents by partial derivatives with it, so that the
   * zero cotangent {@code where} passes to its unchosen branch stays zero even where that branch's
   * derivative is infinite or NaN (e.g. {@code where(x > 0, sqrt(x), 0)} at x = 0). Otherwise
   * identical to {@code *}, NaN and inf included.
   */
  public static final Binary ZMUL = register(new Binary(Definition.strongZero("zmul", "x * y"),
      (b, x, y, o) -> y, (b, x, y, o) -> x));
  /**
   * {@code zdiv(x, y) = x == 0 ? 0 : x / y}: a quotient in which an exactly zero {@code x} is a
   * strong zero, what the rules of {@code /} divide (co)tangents with (the zero cotangent of
   * {@code where}'s unchosen branch stays zero even where y is 0). Otherwise identical to
   * {@code /}.
   */
  public static final Binary ZDIV = register(Binary.quotient(Definition.strongZero("zdiv", "x / y")));
  public static final Binary LT = binary("<", "x < y ? 1.0 : 0.0", Partial.ZERO, Partial.ZERO);
  public static final Binary LE = binary("<=", "x <= y ? 1.0 : 0.0", Partial.ZERO, Partial.ZERO);
  public static final Binary GT = binary(">", "x > y ? 1.0 : 0.0", Partial.ZERO, Partial.ZERO);
  public static final Binary GE = binary(">=", "x >= y ? 1.0 : 0.0", Partial.ZERO, Partial.ZERO);
  public static final Binary EQ = binary("==", "x == y ? 1.0 : 0.0", Partial.ZERO, Partial.ZERO);
  public static final Binary NE = binary("!=", "x != y ? 1.0 : 0.0", Partial.ZERO, Partial.ZERO);

  private static Binary register(Binary op) {
    BINARY.put(op.name(), op);
    Kernels.register(op.definition());
    return op;
  }

  private static Unary register(Unary u) {
    UNARY.put(u.name(), u);
    Kernels.register(u.definition());
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
