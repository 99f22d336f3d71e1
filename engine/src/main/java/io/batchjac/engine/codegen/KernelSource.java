package io.batchjac.engine.codegen;

/**
 * Java source generated from a {@link Definition}: its scalar function, and loops applying it
 * over arrays. The interpreter's kernels ({@link Kernels}) and the fused groups of a plan are
 * both assembled from these pieces, so every route does the same IEEE operations on every
 * element.
 *
 * <p>Every loop indexes all its arrays with the same index {@code i} from {@code from} to
 * {@code to} (the form Java 17's C2 vectorizes). A strong-zero primitive (zmul, zdiv) runs as two
 * passes: the plain expression with the smallest |x| alongside (one vectorizable loop), then, only
 * when a zero or NaN x was met, a pass setting the elements whose x is zero to +0: bitwise the
 * value of {@code x == 0 ? 0.0 : expression}. Its output must not alias its x operand.
 */
public final class KernelSource {
  private KernelSource() {}

  /** An operand of a loop: an array read at index i, or a scalar (a local variable or literal). */
  public record Arg(String text, boolean array) {
    public static Arg array(String name) {
      return new Arg(name, true);
    }

    public static Arg scalar(String expression) {
      return new Arg(expression, false);
    }

    String at() {
      return array ? text + "[i]" : text;
    }
  }

  /**
   * Static methods {@code fname(x[, y])}, the definition's value, and for a strong-zero primitive
   * {@code fname_plain(x, y)}, its expression without the strong zero.
   */
  public static String functions(Definition d, String fname) {
    if (d.arity() == 1) {
      return "  static double " + fname + "(double x) { return " + d.expression() + "; }\n";
    }
    if (!d.strongZero()) {
      return "  static double " + fname + "(double x, double y) { return " + d.expression() + "; }\n";
    }
    return "  static double " + plain(fname) + "(double x, double y) { return " + d.expression() + "; }\n"
        + "  static double " + fname + "(double x, double y) { return x == 0 ? 0.0 : " + plain(fname) + "(x, y); }\n";
  }

  private static String plain(String fname) {
    return fname + "_plain";
  }

  /**
   * An expression applying the definition's scalar function {@code fname} (see {@link #functions})
   * to operand expressions: what a fused loop computes per element, in registers.
   */
  public static String call(String fname, String... operands) {
    return fname + "(" + String.join(", ", operands) + ")";
  }

  /**
   * Statements computing {@code out[i] = f(x[i])} for {@code from <= i < to}. A definition with a
   * tile kernel calls it, which requires {@code from} to be {@code "0"} and {@code x} and
   * {@code out} to be distinct arrays.
   */
  public static String unaryLoop(Definition d, String fname, String x, String out, String from, String to,
      String scratch) {
    if (d.tileKernel() != null) {
      if (!from.equals("0")) {
        throw new IllegalArgumentException(d.name() + ": a tile kernel runs from index 0");
      }
      return d.tileKernel() + "(" + x + ", " + out + ", " + to + ", " + scratch + ");\n";
    }
    return "for (int i = " + from + "; i < " + to + "; i++) " + out + "[i] = " + fname + "(" + x + "[i]);\n";
  }

  /** Statements computing {@code out[i] = f(a, b)} for {@code from <= i < to}; at least one operand is an array. */
  public static String binaryLoop(Definition d, String fname, Arg a, Arg b, String out, String from, String to) {
    String range = "for (int i = " + from + "; i < " + to + "; i++) ";
    if (!d.strongZero()) {
      return range + out + "[i] = " + fname + "(" + a.at() + ", " + b.at() + ");\n";
    }
    String p = plain(fname);
    if (!a.array()) {
      return "if (" + a.text() + " == 0) { java.util.Arrays.fill(" + out + ", " + from + ", " + to + ", 0.0); }\n"
          + "else { " + range + out + "[i] = " + p + "(" + a.text() + ", " + b.at() + "); }\n";
    }
    return "{\n"
        + "  double smallest = Double.POSITIVE_INFINITY;\n"
        + "  " + range + "{ double x = " + a.at() + "; " + out + "[i] = " + p + "(x, " + b.at() + ");"
        + " smallest = Math.min(smallest, Math.abs(x)); }\n"
        + "  if (!(smallest > 0)) { " + range + "{ if (" + a.at() + " == 0) " + out + "[i] = 0.0; } }\n"
        + "}\n";
  }
}
