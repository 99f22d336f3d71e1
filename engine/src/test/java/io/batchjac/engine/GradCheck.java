package io.batchjac.engine;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Gradient checks for per-sample functions (JAX's {@code check_grads}, autograd's
 * {@code check_grads}), shared by the engine's tests and meant for other modules' tests too. Every
 * method throws {@link AssertionError} with a message naming the function under test, the check,
 * the sample, the indices, the expected and actual values and the tolerance.
 *
 * <p>Layouts are the engine's (see {@link Engine}): {@code x} is a C-order {@code (B, N)} tensor;
 * results are batch-last Fortran tensors.
 *
 * <h2>The checks and their tolerances</h2>
 * <ul>
 *   <li><b>JVP against central differences</b> ({@link #checkJvpFiniteDifferences}): in random
 *       directions {@code u} with {@code u_i = z_i * s_i}, {@code z} standard normal and
 *       {@code s_i = max(|x_i|, 1)} (so the step is relative for large inputs), compares
 *       {@code (f(x + h u) - f(x - h u)) / 2h} with {@code h = }{@value #FD_STEP} against
 *       {@link Engine#jvp}. Pass when {@code |fd - jvp| <= }{@value #FD_ATOL}
 *       {@code + }{@value #FD_RTOL}{@code * max(|fd|, |jvp|)}. The truncation error of the
 *       central difference is {@code h^2 |f'''| / 6 ~ 1e-12 |f'''|} and its rounding error
 *       {@code ~ eps |f| / h ~ 2e-10 |f|}, both far below the tolerance for values and third
 *       derivatives up to about a thousand.</li>
 *   <li><b>Inner-product identity</b> ({@link #checkInnerProductIdentity}): per sample,
 *       {@code <v, J u> = <J^T v, u>} between {@link Engine#jvp} and {@link Engine#vjp} for
 *       random {@code u, v}. The two sides are sums of the same products in different orders, so
 *       they agree to rounding relative to the sum of the magnitudes of the terms: pass when
 *       {@code |lhs - rhs| <= }{@value #IDENTITY_RTOL}{@code * (sum|v_m (Ju)_m| + sum|(J^T v)_n u_n|)}
 *       (plus 1e-300 so that two exact zeros pass).</li>
 *   <li><b>Forward == reverse</b> ({@link #checkForwardEqualsReverse}): {@link Engine#batchedJacobian}
 *       with {@link Backend#forward()}, {@link Backend#forward(int)} with a small chunk,
 *       {@link Backend#reverse()}, {@link Backend#reverse(int)} with a small chunk and
 *       {@link Backend#auto()}; also {@code jvp(e_n)} and {@code vjp(e_m)} are compared with the
 *       Jacobian's columns and rows. The modes sum the same products in different orders, so they
 *       agree to rounding. Entries are compared in scaled coordinates ({@code J_mn * s_n}, with
 *       {@code s_n = max(|x_n|, 1)}, so that inputs of different magnitudes weigh alike) and pass
 *       when {@code |a - b| <= }{@value #MODES_RTOL}{@code * max(|a|, |b|, }{@value #MODES_FLOOR}
 *       {@code * max_mn |J_mn s_n|)}: relative to the entry itself, except that entries smaller than
 *       {@value #MODES_FLOOR} of the sample's largest are compared at that floor (such entries are
 *       sums that cancel, whose relative rounding error is larger than 1e-12; measured: 1.2e-11 for
 *       the Borehole function's derivative in Tu, 1e-12 for small MLP parameter derivatives).</li>
 *   <li><b>Second order by recursion</b> ({@link #checkHessian}, one output value only):
 *       {@link Engine#hessian} against central differences of {@link Engine#gradient} (reverse
 *       mode), column by column ({@code H[:, j] ~ (g(x + h s_j e_j) - g(x - h s_j e_j)) / (2 h s_j)}),
 *       compared in the scaled coordinates {@code s_i H_ij s_j} with the JVP tolerance; the
 *       Hessian must be symmetric to {@value #SYMMETRY_RTOL} relative (scaled, with the same floor
 *       rule as forward == reverse), and the Hessian with a small forward chunk must equal the
 *       default one to {@value #MODES_RTOL}.</li>
 * </ul>
 * The random numbers come from a {@link Random} seeded from the function's name, so every run
 * checks the same directions.
 */
public final class GradCheck {
  /** Central-difference step, relative to {@code max(|x_i|, 1)}. */
  public static final double FD_STEP = 1e-6;
  /** Relative tolerance of finite-difference comparisons. */
  public static final double FD_RTOL = 1e-6;
  /** Absolute tolerance of finite-difference comparisons. */
  public static final double FD_ATOL = 1e-6;
  /** Relative tolerance of the inner-product identity between JVP and VJP. */
  public static final double IDENTITY_RTOL = 1e-10;
  /** Relative tolerance between forward and reverse mode (and between chunk sizes). */
  public static final double MODES_RTOL = 1e-12;
  /** Entries below this fraction of a sample's largest entry are compared at that floor. */
  public static final double MODES_FLOOR = 1e-3;
  /** Relative tolerance of the symmetry of Hessians. */
  public static final double SYMMETRY_RTOL = 1e-10;

  /** Random directions per finite-difference and identity check. */
  public static final int DIRECTIONS = 3;

  private GradCheck() {}

  // ------------------------------------------------------------------ all checks

  /** All checks with a default engine and randomness seeded from {@code name}. */
  public static void checkAll(String name, Graph f, Tensor x) {
    checkAll(name, Engine.defaults(), f, x);
  }

  /**
   * All checks that apply to {@code f}: JVP against central differences, the inner-product
   * identity, forward == reverse, and, when {@code f} has one output value, the Hessian.
   */
  public static void checkAll(String name, Engine engine, Graph f, Tensor x) {
    Random rnd = new Random(name.hashCode());
    checkFinite(name, engine, f, x);
    checkJvpFiniteDifferences(name, engine, f, x, rnd, DIRECTIONS);
    checkInnerProductIdentity(name, engine, f, x, rnd, DIRECTIONS);
    checkForwardEqualsReverse(name, engine, f, x);
    if (f.outputSize() == 1) {
      checkHessian(name, engine, f, x);
    }
  }

  // ------------------------------------------------------------------ individual checks

  /** f must be finite at every sample (otherwise the point is outside the function's domain). */
  public static void checkFinite(String name, Engine engine, Graph f, Tensor x) {
    Tensor y = engine.evaluate(f, x);
    int m = f.outputSize();
    for (int b = 0; b < batchOf(f, x); b++) {
      for (int i = 0; i < m; i++) {
        double v = y.get(i, b);
        if (!Double.isFinite(v)) {
          throw new AssertionError(String.format("[%s] f is not finite at sample %d, output %d: %s (x = %s)",
              name, b, i, v, sampleString(x, f.inputSize(), b)));
        }
      }
    }
  }

  /** {@link Engine#jvp} against central differences in {@code directions} random directions. */
  public static void checkJvpFiniteDifferences(String name, Engine engine, Graph f, Tensor x, Random rnd,
      int directions) {
    int n = f.inputSize();
    int m = f.outputSize();
    int batch = batchOf(f, x);
    double[] xd = x.toC().data();
    for (int d = 0; d < directions; d++) {
      double[] u = new double[xd.length];
      double[] xp = new double[xd.length];
      double[] xm = new double[xd.length];
      for (int i = 0; i < u.length; i++) {
        u[i] = rnd.nextGaussian() * Math.max(Math.abs(xd[i]), 1);
        xp[i] = xd[i] + FD_STEP * u[i];
        xm[i] = xd[i] - FD_STEP * u[i];
      }
      Tensor yp = engine.evaluate(f, batch(batch, n, xp));
      Tensor ym = engine.evaluate(f, batch(batch, n, xm));
      Tensor jvp = engine.jvp(f, Backend.forward(), batch(batch, n, xd), batch(batch, n, u));
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < m; i++) {
          double fd = (yp.get(i, b) - ym.get(i, b)) / (2 * FD_STEP);
          double ad = jvp.get(i, b);
          double tol = FD_ATOL + FD_RTOL * Math.max(Math.abs(fd), Math.abs(ad));
          if (!(Math.abs(fd - ad) <= tol)) {
            throw new AssertionError(String.format(
                "[%s] JVP vs central differences: sample %d, output %d, random direction %d: "
                    + "expected (finite difference) %.17g, actual (jvp) %.17g, |diff| %.3g > tol %.3g%n  x = %s%n  u = %s",
                name, b, i, d, fd, ad, Math.abs(fd - ad), tol, sampleString(x, n, b),
                sampleString(batch(batch, n, u), n, b)));
          }
        }
      }
    }
  }

  /** The inner-product identity {@code <v, J u> = <J^T v, u>} per sample, with respect to the inputs. */
  public static void checkInnerProductIdentity(String name, Engine engine, Graph f, Tensor x, Random rnd,
      int trials) {
    checkInnerProductIdentity(name, engine, f, x, rnd, trials, new String[0]);
  }

  /**
   * The inner-product identity per sample, with respect to the inputs ({@code params} empty) or
   * to the named parameters (per-sample tangents and cotangents of the parameters).
   */
  public static void checkInnerProductIdentity(String name, Engine engine, Graph f, Tensor x, Random rnd,
      int trials, String... params) {
    Engine.Wrt wrt = wrt(params);
    int n = leafSize(f, params);
    int m = f.outputSize();
    int batch = batchOf(f, x);
    for (int t = 0; t < trials; t++) {
      double[] u = gaussian(rnd, batch * n);
      double[] v = gaussian(rnd, batch * m);
      Tensor ju = engine.jvp(f, Backend.forward(), wrt, x, batch(batch, n, u));
      Tensor jtv = engine.vjp(f, Backend.reverse(), wrt, x, batch(batch, m, v));
      for (int b = 0; b < batch; b++) {
        double lhs = 0;
        double lhsAbs = 0;
        for (int i = 0; i < m; i++) {
          double term = v[b * m + i] * ju.get(i, b);
          lhs += term;
          lhsAbs += Math.abs(term);
        }
        double rhs = 0;
        double rhsAbs = 0;
        for (int j = 0; j < n; j++) {
          double term = jtv.get(j, b) * u[b * n + j];
          rhs += term;
          rhsAbs += Math.abs(term);
        }
        double tol = IDENTITY_RTOL * (lhsAbs + rhsAbs) + 1e-300;
        if (!(Math.abs(lhs - rhs) <= tol)) {
          throw new AssertionError(String.format(
              "[%s] inner-product identity <v, J u> = <J^T v, u>%s: sample %d, trial %d: "
                  + "expected (<v, jvp(u)>) %.17g, actual (<vjp(v), u>) %.17g, |diff| %.3g > tol %.3g",
              name, wrtString(params), b, t, lhs, rhs, Math.abs(lhs - rhs), tol));
        }
      }
    }
  }

  /** Forward and reverse Jacobians (default and small chunks) agree, and agree with jvp/vjp. */
  public static void checkForwardEqualsReverse(String name, Engine engine, Graph f, Tensor x) {
    checkForwardEqualsReverse(name, engine, f, x, new String[0]);
  }

  /** Forward == reverse with respect to the inputs ({@code params} empty) or the named parameters. */
  public static void checkForwardEqualsReverse(String name, Engine engine, Graph f, Tensor x, String... params) {
    Engine.Wrt wrt = wrt(params);
    int n = leafSize(f, params);
    int m = f.outputSize();
    int batch = batchOf(f, x);
    Tensor ref = engine.batchedJacobian(f, Backend.forward(), wrt, x);
    assertShape(name, "batchedJacobian", ref, m, n, batch);
    double[][] cs = leafScales(f, x, params);
    double[][] ones = ones(batch, m);
    int small = Math.max(1, Math.min(3, n - 1));
    int smallM = Math.max(1, Math.min(2, m - 1));
    Backend[] others = {Backend.forward(small), Backend.reverse(), Backend.reverse(smallM), Backend.auto()};
    for (Backend be : others) {
      Tensor j = engine.batchedJacobian(f, be, wrt, x);
      assertShape(name, "batchedJacobian " + be, j, m, n, batch);
      compareJacobians(name, "Jacobian" + wrtString(params) + " forward() vs " + be, ref, j, m, n, batch,
          MODES_RTOL, ones, cs);
    }
    // jvp along basis directions gives the columns, vjp along basis cotangents the rows
    int[] cols = n <= 3 ? range(n) : new int[] {0, n / 2, n - 1};
    for (int c : cols) {
      double[] u = new double[batch * n];
      for (int b = 0; b < batch; b++) {
        u[b * n + c] = 1;
      }
      Tensor ju = engine.jvp(f, Backend.forward(), wrt, x, batch(batch, n, u));
      for (int b = 0; b < batch; b++) {
        double scale = maxAbsScaled(ref, m, n, b, ones[b], cs[b]);
        for (int i = 0; i < m; i++) {
          compare(name, "jvp(e_" + c + ")" + wrtString(params) + " vs Jacobian column", b,
              "output " + i + ", input " + c, ref.get(i, c, b), ju.get(i, b), MODES_RTOL, cs[b][c], scale);
        }
      }
    }
    int[] rows = m <= 3 ? range(m) : new int[] {0, m / 2, m - 1};
    for (int r : rows) {
      double[] v = new double[batch * m];
      for (int b = 0; b < batch; b++) {
        v[b * m + r] = 1;
      }
      Tensor jtv = engine.vjp(f, Backend.reverse(), wrt, x, batch(batch, m, v));
      for (int b = 0; b < batch; b++) {
        double scale = maxAbsScaled(ref, m, n, b, ones[b], cs[b]);
        for (int j = 0; j < n; j++) {
          compare(name, "vjp(e_" + r + ")" + wrtString(params) + " vs Jacobian row", b,
              "output " + r + ", input " + j, ref.get(r, j, b), jtv.get(j, b), MODES_RTOL, cs[b][j], scale);
        }
      }
    }
  }

  /**
   * The Hessian of a function with one output value: against central differences of the gradient,
   * symmetric, and independent of the forward chunk.
   */
  public static void checkHessian(String name, Engine engine, Graph f, Tensor x) {
    if (f.outputSize() != 1) {
      throw new IllegalArgumentException("[" + name + "] checkHessian needs one output value, f has " + f.outputSize());
    }
    int n = f.inputSize();
    int batch = batchOf(f, x);
    double[] xd = x.toC().data();
    Tensor h = engine.hessian(f, x);
    assertShape(name, "hessian", h, n, n, batch);
    for (int j = 0; j < n; j++) {
      double[] xp = xd.clone();
      double[] xm = xd.clone();
      double[] step = new double[batch];
      for (int b = 0; b < batch; b++) {
        int k = b * n + j;
        double s = Math.max(Math.abs(xd[k]), 1);
        xp[k] = xd[k] + FD_STEP * s;
        xm[k] = xd[k] - FD_STEP * s;
        step[b] = xp[k] - xm[k]; // the step actually taken
      }
      Tensor gp = engine.gradient(f, Backend.reverse(), batch(batch, n, xp));
      Tensor gm = engine.gradient(f, Backend.reverse(), batch(batch, n, xm));
      for (int b = 0; b < batch; b++) {
        double sj = Math.max(Math.abs(xd[b * n + j]), 1);
        for (int i = 0; i < n; i++) {
          double si = Math.max(Math.abs(xd[b * n + i]), 1);
          double fd = (gp.get(i, b) - gm.get(i, b)) / step[b] * si * sj;
          double ad = h.get(i, j, b) * si * sj;
          double tol = FD_ATOL + FD_RTOL * Math.max(Math.abs(fd), Math.abs(ad));
          if (!(Math.abs(fd - ad) <= tol)) {
            throw new AssertionError(String.format(
                "[%s] Hessian vs central differences of the gradient: sample %d, H[%d, %d] (scaled by "
                    + "max(|x_i|,1) max(|x_j|,1) = %.3g): expected (finite difference) %.17g, actual (hessian) %.17g, "
                    + "|diff| %.3g > tol %.3g%n  x = %s",
                name, b, i, j, si * sj, fd, ad, Math.abs(fd - ad), tol, sampleString(x, n, b)));
          }
        }
      }
    }
    double[][] cs = leafScales(f, x, new String[0]);
    for (int b = 0; b < batch; b++) {
      double scale = maxAbsScaled(h, n, n, b, cs[b], cs[b]);
      for (int i = 0; i < n; i++) {
        for (int j = i + 1; j < n; j++) {
          compare(name, "Hessian symmetry H[i, j] vs H[j, i]", b, "i = " + i + ", j = " + j,
              h.get(i, j, b), h.get(j, i, b), SYMMETRY_RTOL, cs[b][i] * cs[b][j], scale);
        }
      }
    }
    if (n > 1) {
      Tensor h2 = engine.hessian(f, Backend.forward(Math.max(1, n / 2)), Engine.Wrt.inputs(), x);
      compareJacobians(name, "Hessian default chunk vs forward(" + Math.max(1, n / 2) + ")", h, h2, n, n, batch,
          MODES_RTOL, cs, cs);
    }
  }

  /**
   * The per-sample Jacobian with respect to the named parameters against central differences in
   * the parameters (the graph rebuilt with perturbed parameter values, see {@link #withParams}):
   * in {@code directions} random directions of the parameter space and along {@code coordinates}
   * random single parameters. Also checks forward == reverse and the inner-product identity with
   * respect to those parameters.
   */
  public static void checkParamJacobian(String name, Engine engine, Graph f, Tensor x, Random rnd,
      int directions, int coordinates, String... params) {
    int p = leafSize(f, params);
    int m = f.outputSize();
    int batch = batchOf(f, x);
    Tensor jac = engine.batchedJacobian(f, Backend.auto(), Engine.Wrt.params(params), x);
    assertShape(name, "batchedJacobian wrt " + List.of(params), jac, m, p, batch);
    double[] flat = new double[p];
    int[] offsets = new int[params.length];
    for (int k = 0, o = 0; k < params.length; k++) {
      offsets[k] = o;
      double[] v = f.param(params[k]).value().toC().data();
      System.arraycopy(v, 0, flat, o, v.length);
      o += v.length;
    }
    for (int d = 0; d < directions + coordinates; d++) {
      double[] u = new double[p];
      String what;
      if (d < directions) {
        for (int i = 0; i < p; i++) {
          u[i] = rnd.nextGaussian() * Math.max(Math.abs(flat[i]), 1);
        }
        what = "random direction " + d;
      } else {
        int c = rnd.nextInt(p);
        u[c] = Math.max(Math.abs(flat[c]), 1);
        what = "parameter element " + paramElement(f, params, offsets, c);
      }
      Tensor yp = engine.evaluate(withParams(f, split(f, params, offsets, flat, u, FD_STEP)), x);
      Tensor ym = engine.evaluate(withParams(f, split(f, params, offsets, flat, u, -FD_STEP)), x);
      for (int b = 0; b < batch; b++) {
        for (int i = 0; i < m; i++) {
          double fd = (yp.get(i, b) - ym.get(i, b)) / (2 * FD_STEP);
          double ad = 0;
          for (int j = 0; j < p; j++) {
            ad += jac.get(i, j, b) * u[j];
          }
          double tol = FD_ATOL + FD_RTOL * Math.max(Math.abs(fd), Math.abs(ad));
          if (!(Math.abs(fd - ad) <= tol)) {
            throw new AssertionError(String.format(
                "[%s] Jacobian wrt %s vs central differences in the parameters: sample %d, output %d, %s: "
                    + "expected (finite difference) %.17g, actual (J u) %.17g, |diff| %.3g > tol %.3g",
                name, List.of(params), b, i, what, fd, ad, Math.abs(fd - ad), tol));
          }
        }
      }
    }
    checkForwardEqualsReverse(name, engine, f, x, params);
    checkInnerProductIdentity(name, engine, f, x, rnd, 2, params);
  }

  // ------------------------------------------------------------------ utilities for tests

  /** A C-order {@code (batch, n)} tensor of independent uniform values in {@code (lo, hi)}. */
  public static Tensor uniform(Random rnd, int batch, int n, double lo, double hi) {
    double[] d = new double[batch * n];
    for (int i = 0; i < d.length; i++) {
      d[i] = lo + (hi - lo) * rnd.nextDouble();
    }
    return batch(batch, n, d);
  }

  /** A tensor of the given shape with standard normal values times {@code scale}. */
  public static Tensor gaussian(Random rnd, double scale, int... dims) {
    Shape s = Shape.of(dims);
    double[] d = new double[s.size()];
    for (int i = 0; i < d.length; i++) {
      d[i] = rnd.nextGaussian() * scale;
    }
    return Tensor.of(s, d);
  }

  /** A C-order {@code (batch, n)} tensor over {@code data} (not copied). */
  public static Tensor batch(int batch, int n, double[] data) {
    return Tensor.of(Shape.of(batch, n), data);
  }

  /**
   * A copy of {@code f} in which the named parameters have new values (of the same shapes): the
   * graph's nodes are re-applied in order with a fresh {@link GraphBuilder}, so inputs, outputs and
   * every other node stay as they were.
   */
  public static Graph withParams(Graph f, Map<String, Tensor> values) {
    GraphBuilder nb = new GraphBuilder();
    Map<Node, Node> map = new HashMap<>();
    for (Node node : f.nodes()) {
      Node copy = switch (node.kind()) {
        case INPUT -> nb.input(node.name(), node.shape(), node.distribution());
        case PARAM -> {
          Tensor v = values.getOrDefault(node.name(), node.value());
          if (!v.shape().equals(node.shape())) {
            throw new IllegalArgumentException("parameter " + node.name() + " has shape " + node.shape()
                + ", new value has shape " + v.shape());
          }
          yield nb.param(node.name(), v);
        }
        case CONSTANT -> nb.constant(node.value());
        case OP -> {
          Node[] args = new Node[node.arity()];
          for (int i = 0; i < args.length; i++) {
            args[i] = map.get(node.arg(i));
          }
          yield nb.apply(node.op(), args);
        }
      };
      map.put(node, copy);
    }
    for (Graph.Output o : f.outputs()) {
      nb.output(o.name(), map.get(o.node()));
    }
    return nb.build();
  }

  /**
   * Asserts {@code |expected - actual| <= rtol * max(|expected|, |actual|) + atol}, naming what is
   * compared; NaN never passes.
   */
  public static void assertClose(String what, double expected, double actual, double rtol, double atol) {
    double tol = rtol * Math.max(Math.abs(expected), Math.abs(actual)) + atol;
    if (!(Math.abs(expected - actual) <= tol)) {
      throw new AssertionError(String.format("%s: expected %.17g, actual %.17g, |diff| %.3g > tol %.3g",
          what, expected, actual, Math.abs(expected - actual), tol));
    }
  }

  // ------------------------------------------------------------------ internals

  /**
   * Compares two (M, N, B) tensors entry by entry in scaled coordinates: entry (i, j) of sample b
   * weighted by {@code rowScale[b][i] * colScale[b][j]} (see {@link #leafScales}).
   */
  private static void compareJacobians(String name, String what, Tensor a, Tensor b, int m, int n, int batch,
      double rtol, double[][] rowScale, double[][] colScale) {
    for (int s = 0; s < batch; s++) {
      double scale = Math.max(maxAbsScaled(a, m, n, s, rowScale[s], colScale[s]),
          maxAbsScaled(b, m, n, s, rowScale[s], colScale[s]));
      for (int j = 0; j < n; j++) {
        for (int i = 0; i < m; i++) {
          compare(name, what, s, "[" + i + ", " + j + "]", a.get(i, j, s), b.get(i, j, s), rtol,
              rowScale[s][i] * colScale[s][j], scale);
        }
      }
    }
  }

  /**
   * {@code |expected - actual| w <= rtol * max(|expected| w, |actual| w, MODES_FLOOR * sampleScale)}
   * with {@code w} the entry's weight and {@code sampleScale} the sample's largest weighted entry.
   */
  private static void compare(String name, String what, int sample, String index, double expected, double actual,
      double rtol, double weight, double sampleScale) {
    double tol = rtol * Math.max(Math.max(Math.abs(expected), Math.abs(actual)) * weight, MODES_FLOOR * sampleScale);
    if (!(Math.abs(expected - actual) * weight <= tol) && !(expected == actual)) {
      throw new AssertionError(String.format("[%s] %s: sample %d, %s: expected %.17g, actual %.17g, |diff| %.3g > tol %.3g"
              + " (weight %.3g)", name, what, sample, index, expected, actual, Math.abs(expected - actual), tol / weight,
          weight));
    }
  }

  private static double maxAbsScaled(Tensor j, int m, int n, int b, double[] rowScale, double[] colScale) {
    double mx = 0;
    for (int c = 0; c < n; c++) {
      for (int r = 0; r < m; r++) {
        mx = Math.max(mx, Math.abs(j.get(r, c, b)) * rowScale[r] * colScale[c]);
      }
    }
    return mx;
  }

  /**
   * Per sample, the scale {@code max(|x_j|, 1)} of every leaf value (inputs, or the named
   * parameters): derivatives are compared in the coordinates {@code x_j / scale_j}, so that inputs
   * of very different magnitudes (e.g. 0.1 and 1e5) weigh alike.
   */
  private static double[][] leafScales(Graph f, Tensor x, String[] params) {
    int batch = batchOf(f, x);
    int n = leafSize(f, params);
    double[][] out = new double[batch][n];
    double[] values;
    if (params.length == 0) {
      values = x.toC().data();
    } else {
      values = new double[batch * n];
      for (int b = 0, o = 0; b < batch; b++) {
        for (String p : params) {
          double[] v = f.param(p).value().toC().data();
          System.arraycopy(v, 0, values, o, v.length);
          o += v.length;
        }
      }
    }
    for (int b = 0; b < batch; b++) {
      for (int j = 0; j < n; j++) {
        out[b][j] = Math.max(Math.abs(values[b * n + j]), 1);
      }
    }
    return out;
  }

  private static double[][] ones(int batch, int m) {
    double[][] o = new double[batch][m];
    for (double[] r : o) {
      java.util.Arrays.fill(r, 1);
    }
    return o;
  }

  private static void assertShape(String name, String what, Tensor t, int... dims) {
    if (!t.shape().equals(Shape.of(dims))) {
      throw new AssertionError("[" + name + "] " + what + " has shape " + t.shape() + ", expected " + Shape.of(dims));
    }
  }

  private static int batchOf(Graph f, Tensor x) {
    int n = f.inputSize();
    Shape s = x.shape();
    if (s.rank() != 2 || x.order() != Tensor.Order.C || s.dim(1) != n) {
      throw new IllegalArgumentException("GradCheck takes x as a C-order (B, " + n + ") tensor, got " + x);
    }
    return s.dim(0);
  }

  private static Engine.Wrt wrt(String[] params) {
    return params.length == 0 ? Engine.Wrt.inputs() : Engine.Wrt.params(params);
  }

  private static String wrtString(String[] params) {
    return params.length == 0 ? "" : " wrt " + List.of(params);
  }

  private static int leafSize(Graph f, String[] params) {
    if (params.length == 0) {
      return f.inputSize();
    }
    int n = 0;
    for (String p : params) {
      Node node = f.param(p);
      if (node == null) {
        throw new IllegalArgumentException("no parameter named " + p);
      }
      n += node.shape().size();
    }
    return n;
  }

  private static Map<String, Tensor> split(Graph f, String[] params, int[] offsets, double[] flat, double[] u,
      double h) {
    Map<String, Tensor> out = new HashMap<>();
    for (int k = 0; k < params.length; k++) {
      Shape s = f.param(params[k]).shape();
      double[] v = new double[s.size()];
      for (int i = 0; i < v.length; i++) {
        v[i] = flat[offsets[k] + i] + h * u[offsets[k] + i];
      }
      out.put(params[k], Tensor.of(s, v));
    }
    return out;
  }

  private static String paramElement(Graph f, String[] params, int[] offsets, int c) {
    int k = params.length - 1;
    while (offsets[k] > c) {
      k--;
    }
    return params[k] + " flat index " + (c - offsets[k]);
  }

  private static double[] gaussian(Random rnd, int n) {
    double[] d = new double[n];
    for (int i = 0; i < n; i++) {
      d[i] = rnd.nextGaussian();
    }
    return d;
  }

  private static int[] range(int n) {
    int[] r = new int[n];
    for (int i = 0; i < n; i++) {
      r[i] = i;
    }
    return r;
  }

  private static String sampleString(Tensor x, int n, int b) {
    double[] d = x.toC().data();
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < Math.min(n, 12); i++) {
      parts.add(String.format("%.6g", d[b * n + i]));
    }
    return parts + (n > 12 ? " ... (" + n + " values)" : "");
  }
}
