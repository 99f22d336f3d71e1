package io.batchjac.engine.exec;

import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.MatMul;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.Reshape;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * A matrix product of a constant matrix with constant directions scaled per sample, folded into
 * one product with the sample's scale vector. It is the shape every layer's derivative takes once
 * identity seeds are folded: the directions {@code C} (tangents {@code W1 e_t} in forward mode,
 * cotangents {@code e_t W3} in reverse mode) are constant, the activation's derivative {@code u}
 * scales them per sample, and the next weight matrix {@code A} multiplies the result:
 *
 * <pre>
 *   out[t, i] = sum_j A[i, j] * (C[t, j] * u[j])          (as written: T*J products, then a GEMM)
 *             = sum_j (A[i, j] * C[t, j]) * u[j]          (folded: K = A ⊙ C precomputed)
 * </pre>
 *
 * <p>The AD rules often scale twice, by the activation's derivative and by a constant row (the
 * Hessian of {@code w2 . softplus(W1 x + b1)} scales by {@code w2} too): a chain
 * {@code c1 ⊙ (c2 ⊙ (... ⊙ u))} of products by constants (each C's shape or a row of J values)
 * folds the same way, {@code K = A ⊙ c1 ⊙ c2 ...}, multiplied in the order the chain is walked.
 *
 * <p>In the plan, the product {@code Z = C ⊙ u} ({@code zmul} or {@code *}, u broadcast over
 * the leading axes of C) is then no longer materialized (a {@code T x J} array per sample) and the
 * matrix product becomes ONE constant-left GEMM {@code K (T*P, J) @ u (J, 1)}: the same FLOPs in a
 * shape BLAS runs faster (T*P rows instead of P), e.g. the mlp's reverse-mode Jacobian (T = 8
 * cotangents, P = J = 64) and the softplus network's Hessian (T = 8 tangents, P = 8, J = 64).
 *
 * <p><b>Layouts.</b> A is {@code (P, J)} row-major; Z is C's shape {@code (..., J)} with T = size
 * / J rows of J; the product's right operand is Z reshaped to {@code (..., J, 1)} and its result
 * {@code (..., P, 1)} holds {@code out[t*P + i]}. K is {@code (T*P, J)} row-major with
 * {@code K[(t*P + i)*J + j] = A[i*J + j] * C[t*J + j]}: the folded product writes the same
 * positions.
 *
 * <p><b>When it applies, and what changes.</b> Only where folding cannot change a value beyond
 * rounding: A finite; C finite and without zeros (a zero of C is a strong zero of {@code zmul}
 * that must stay exact even where u is infinite or NaN); every product A*C with A nonzero a
 * normal number (no overflow, underflow or lost precision); each factor of a chain likewise. The rounding differs from the
 * unfolded order ((A*C)*u against A*(C*u)), by an ulp or so per term; results stay bitwise the
 * same across thread counts, chunk sizes and partitionings, since the fold is decided at compile
 * time from the graph and the constants alone. K is at most {@link #MAX_VALUES} doubles. The
 * system property {@code batchjac.foldScaledProducts=false} turns the fold off (for comparisons).
 */
final class ScaledProduct {
  /** The most values K may have (16 MB): beyond it the unfolded product's memory is smaller. */
  static final int MAX_VALUES = 1 << 21;

  /** K, {@code (rows, inner)} row-major, and u, the batched vector it multiplies. */
  private final double[] k;
  private final int rows;
  private final int inner;
  private final Node u;

  private ScaledProduct(double[] k, int rows, int inner, Node u) {
    this.k = k;
    this.rows = rows;
    this.inner = inner;
    this.u = u;
  }

  /** Whether plans fold scaled products: the system property, read at each compilation. */
  static boolean enabled() {
    return Boolean.parseBoolean(System.getProperty("batchjac.foldScaledProducts", "true"));
  }

  double[] k() {
    return k;
  }

  /** T*P: the rows of K, the values per sample of the product. */
  int rows() {
    return rows;
  }

  /** J: K's columns, u's length. */
  int inner() {
    return inner;
  }

  /** The batched scale vector. */
  Node u() {
    return u;
  }

  /**
   * The fold of the batched matrix product {@code n}, or null when n is not of that form or the
   * fold could change a value (see the class comment).
   *
   * @param constant the value of a sample-independent node (already evaluated by the plan)
   */
  static ScaledProduct of(Node n, Function<Node, double[]> constant) {
    if (!(n.op() instanceof MatMul) || !n.batched()) {
      return null;
    }
    Node a = n.arg(0);
    Node y = n.arg(1);
    if (a.batched() || !y.batched() || a.shape().rank() != 2 || y.shape().rank() < 2 || y.shape().dim(-1) != 1) {
      return null;
    }
    int p = a.shape().dim(0);
    int j = a.shape().dim(1);
    if (y.shape().dim(-2) != j || j == 0 || p == 0) {
      return null;
    }
    int t = y.shape().size() / j;
    if ((long) t * p * j > MAX_VALUES) {
      return null;
    }
    // Walk down the chain of products by constants: Z = c1 ⊙ (c2 ⊙ (... ⊙ u)), reshapes between.
    List<double[]> factors = new ArrayList<>();
    Node z = stripReshapes(y);
    while (true) {
      if ((z.op() != Elementwise.ZMUL && z.op() != Elementwise.MUL) || z.shape().size() != t * j
          || z.shape().dim(-1) != j) {
        return null;
      }
      Node c = z.arg(0).batched() ? z.arg(1) : z.arg(0);
      Node v = z.arg(0).batched() ? z.arg(0) : z.arg(1);
      if (c.batched() || !v.batched() || !(c.shape().size() == t * j || isRow(c, j))) {
        return null;
      }
      factors.add(constant.apply(c));
      if (isRow(v, j)) {
        return fold(constant.apply(a), factors, t, p, j, v);
      }
      z = stripReshapes(v);
    }
  }

  /** True when n is a vector of J values along its last axis (leading axes of size 1). */
  private static boolean isRow(Node n, int j) {
    return n.shape().size() == j && n.shape().rank() >= 1 && n.shape().dim(-1) == j;
  }

  private static Node stripReshapes(Node n) {
    while (n.op() instanceof Reshape) {
      n = n.arg(0);
    }
    return n;
  }

  /**
   * K = A ⊙ c1 ⊙ c2 ..., each factor (T*J values, or J broadcast over t) applied in the order
   * the chain was walked; null when a factor has a zero or a non-finite value, or a product with
   * A nonzero is not a normal number.
   */
  private static ScaledProduct fold(double[] av, List<double[]> factors, int t, int p, int j, Node u) {
    for (double v : av) {
      if (!Double.isFinite(v)) {
        return null;
      }
    }
    for (double[] f : factors) {
      for (double v : f) {
        if (v == 0 || !Double.isFinite(v)) {
          return null;
        }
      }
    }
    double[] k = new double[t * p * j];
    for (int tt = 0; tt < t; tt++) {
      for (int i = 0; i < p; i++) {
        for (int jj = 0; jj < j; jj++) {
          double ai = av[i * j + jj];
          double prod = ai;
          for (double[] f : factors) {
            prod *= f.length == j ? f[jj] : f[tt * j + jj];
            if (ai != 0 && !(Math.abs(prod) >= Double.MIN_NORMAL && Double.isFinite(prod))) {
              return null;
            }
          }
          k[(tt * p + i) * j + jj] = prod;
        }
      }
    }
    return new ScaledProduct(k, t * p, j, u);
  }
}
