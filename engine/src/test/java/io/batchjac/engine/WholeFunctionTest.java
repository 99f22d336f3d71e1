package io.batchjac.engine;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Sampler;
import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Whole functions built with {@link GraphBuilder}: an MLP (inputs and per-sample parameter
 * Jacobians), the Borehole and Ishigami functions against their analytic gradients, and the
 * Hessian of a softplus network.
 */
class WholeFunctionTest {
  private static final Engine ENGINE = Engine.defaults();

  /** Relative tolerance between AD and hand-written analytic derivatives (rounding only). */
  private static final double ANALYTIC_RTOL = 1e-12;

  /**
   * The MLP {@code 16 -> 64 -> 64 -> 8} with tanh activations and random parameters
   * {@code W1, b1, W2, b2, W3, b3}; with {@code scalar}, its 8 outputs are summed to one value.
   */
  static Graph mlp(long seed, boolean scalar) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(16));
    Node w1 = b.param("W1", GradCheck.gaussian(r, 1 / Math.sqrt(16), 64, 16));
    Node b1 = b.param("b1", GradCheck.gaussian(r, 0.1, 64));
    Node w2 = b.param("W2", GradCheck.gaussian(r, 1 / Math.sqrt(64), 64, 64));
    Node b2 = b.param("b2", GradCheck.gaussian(r, 0.1, 64));
    Node w3 = b.param("W3", GradCheck.gaussian(r, 1 / Math.sqrt(64), 8, 64));
    Node b3 = b.param("b3", GradCheck.gaussian(r, 0.1, 8));
    Node h1 = b.tanh(b.add(b.matmul(w1, x), b1));
    Node h2 = b.tanh(b.add(b.matmul(w2, h1), b2));
    Node y = b.add(b.matmul(w3, h2), b3);
    b.output("y", scalar ? b.sumAll(y) : y);
    return b.build();
  }

  @Test
  void mlpInputs() {
    Graph f = mlp(11, false);
    Tensor x = GradCheck.uniform(new Random(12), 5, 16, -1.5, 1.5);
    GradCheck.checkAll("mlp 16-64-64-8", ENGINE, f, x);
  }

  @Test
  void mlpParameterJacobians() {
    Graph f = mlp(11, false);
    Tensor x = GradCheck.uniform(new Random(13), 3, 16, -1.5, 1.5);
    Random rnd = new Random(14);
    GradCheck.checkParamJacobian("mlp 16-64-64-8", ENGINE, f, x, rnd, 3, 4, "W1");
    GradCheck.checkParamJacobian("mlp 16-64-64-8", ENGINE, f, x, rnd, 2, 4, "b2", "W3");
    GradCheck.checkParamJacobian("mlp 16-64-64-8", ENGINE, f, x, rnd, 2, 2, "W1", "b1", "W2", "b2", "W3", "b3");
  }

  @Test
  void mlpScalarHessian() {
    Graph f = mlp(15, true);
    Tensor x = GradCheck.uniform(new Random(16), 3, 16, -1.5, 1.5);
    GradCheck.checkAll("sum(mlp 16-64-64-8)", ENGINE, f, x);
  }

  // ------------------------------------------------------------------ Borehole

  /** The Borehole function's inputs, in declaration order, with their ranges. */
  private static final String[] BOREHOLE_NAMES = {"rw", "r", "Tu", "Hu", "Tl", "Hl", "L", "Kw"};
  private static final double[][] BOREHOLE_RANGES = {
      {0.05, 0.15}, {100, 50000}, {63070, 115600}, {990, 1110}, {63.1, 116}, {700, 820}, {1120, 1680}, {9855, 12045}};

  /** {@code 2 pi Tu (Hu - Hl) / (log(r/rw) (1 + 2 L Tu / (log(r/rw) rw^2 Kw) + Tu/Tl))}. */
  static Graph borehole() {
    GraphBuilder b = new GraphBuilder();
    Node[] in = new Node[8];
    for (int i = 0; i < 8; i++) {
      in[i] = b.input(BOREHOLE_NAMES[i], Shape.SCALAR, Distribution.uniform(BOREHOLE_RANGES[i][0], BOREHOLE_RANGES[i][1]));
    }
    Node rw = in[0];
    Node r = in[1];
    Node tu = in[2];
    Node hu = in[3];
    Node tl = in[4];
    Node hl = in[5];
    Node l = in[6];
    Node kw = in[7];
    Node two = b.scalar(2);
    Node lg = b.log(b.div(r, rw));
    Node num = b.mul(b.mul(b.mul(two, b.scalar(Math.PI)), tu), b.sub(hu, hl));
    Node frac = b.div(b.mul(b.mul(two, l), tu), b.mul(b.mul(lg, b.pow(rw, two)), kw));
    Node den = b.mul(lg, b.add(b.add(b.scalar(1), frac), b.div(tu, tl)));
    b.output("flow", b.div(num, den));
    return b.build();
  }

  /**
   * The Borehole gradient by hand, row 0, and row 1 the sum of the magnitudes of the terms each
   * derivative is made of (the scale of its rounding error). With {@code lg = log(r/rw)},
   * {@code C = 2 L Tu / (rw^2 Kw)} and {@code Q = lg (1 + Tu/Tl) + C} (the denominator multiplied
   * out), {@code f = 2 pi Tu (Hu - Hl) / Q}, so {@code df = f (dNum/Num - dQ/Q)}. Only the
   * derivative in Tu is a difference, {@code f/Tu - f dQ/dTu / Q}, of two nearly equal terms
   * (about 1e5 times its value), so it is only accurate relative to them.
   */
  static double[][] boreholeGradient(double[] v) {
    double rw = v[0];
    double r = v[1];
    double tu = v[2];
    double hu = v[3];
    double tl = v[4];
    double hl = v[5];
    double l = v[6];
    double kw = v[7];
    double lg = Math.log(r / rw);
    double c = 2 * l * tu / (rw * rw * kw);
    double q = lg * (1 + tu / tl) + c;
    double f = 2 * Math.PI * tu * (hu - hl) / q;
    double[] g = {
        f * ((1 + tu / tl) + 2 * c) / (rw * q),      // dQ/drw = -(1 + Tu/Tl)/rw - 2C/rw
        -f * (1 + tu / tl) / (r * q),                // dQ/dr = (1 + Tu/Tl)/r
        f / tu - f * (lg / tl + c / tu) / q,         // dQ/dTu = lg/Tl + C/Tu
        f / (hu - hl),
        f * lg * tu / (tl * tl * q),                 // dQ/dTl = -lg Tu/Tl^2
        -f / (hu - hl),
        -f * c / (l * q),                            // dQ/dL = C/L
        f * c / (kw * q)};                           // dQ/dKw = -C/Kw
    double[] scale = new double[8];
    for (int i = 0; i < 8; i++) {
      scale[i] = Math.abs(g[i]);
    }
    scale[2] = Math.abs(f / tu) + Math.abs(f * (lg / tl + c / tu) / q);
    return new double[][] {g, scale};
  }

  @Test
  void boreholeAgainstAnalyticGradient() {
    Graph f = borehole();
    int batch = 6;
    Tensor x = GradCheck.batch(batch, 8, new Sampler(f, 2024).draw(0, batch));
    double[] xd = x.data();
    double[] into = new double[3 * 8 + 5];
    java.util.Arrays.fill(into, Double.NaN);
    new Sampler(f, 2024).draw(2, 3, into); // samples 2..4 into a buffer: the same draws, the rest untouched
    org.junit.jupiter.api.Assertions.assertArrayEquals(java.util.Arrays.copyOfRange(xd, 2 * 8, 5 * 8),
        java.util.Arrays.copyOf(into, 3 * 8), 0.0);
    org.junit.jupiter.api.Assertions.assertTrue(Double.isNaN(into[3 * 8]));
    for (int b = 0; b < batch; b++) {
      for (int i = 0; i < 8; i++) {
        double v = xd[b * 8 + i];
        if (!(v >= BOREHOLE_RANGES[i][0] && v <= BOREHOLE_RANGES[i][1])) {
          throw new AssertionError("sampler drew " + BOREHOLE_NAMES[i] + " = " + v + " outside its range");
        }
      }
    }
    for (Backend be : new Backend[] {Backend.forward(), Backend.reverse(), Backend.forward(3)}) {
      Tensor g = ENGINE.gradient(f, be, x);
      for (int b = 0; b < batch; b++) {
        double[][] want = boreholeGradient(java.util.Arrays.copyOfRange(xd, b * 8, b * 8 + 8));
        for (int i = 0; i < 8; i++) {
          GradCheck.assertClose("[borehole] gradient " + be + " d f / d " + BOREHOLE_NAMES[i] + " at sample " + b,
              want[0][i], g.get(i, b), 0, ANALYTIC_RTOL * want[1][i]);
        }
      }
    }
    GradCheck.checkAll("borehole", ENGINE, f, x);
  }

  // ------------------------------------------------------------------ Ishigami

  /** {@code sin(x1) + a sin(x2)^2 + b x3^4 sin(x1)} with a = 7, b = 0.1, inputs uniform(-pi, pi). */
  static Graph ishigami() {
    GraphBuilder b = new GraphBuilder();
    Distribution u = Distribution.uniform(-Math.PI, Math.PI);
    Node x1 = b.input("x1", Shape.SCALAR, u);
    Node x2 = b.input("x2", Shape.SCALAR, u);
    Node x3 = b.input("x3", Shape.SCALAR, u);
    Node s1 = b.sin(x1);
    Node s2 = b.sin(x2);
    Node y = b.add(b.add(s1, b.mul(b.scalar(7), b.mul(s2, s2))),
        b.mul(b.mul(b.scalar(0.1), b.powConst(x3, 4)), s1));
    b.output("y", y);
    return b.build();
  }

  @Test
  void ishigamiAgainstAnalyticGradientAndHessian() {
    Graph f = ishigami();
    int batch = 8;
    Tensor x = GradCheck.batch(batch, 3, new Sampler(f, 7).draw(0, batch));
    double[] xd = x.data();
    Tensor gf = ENGINE.gradient(f, Backend.forward(), x);
    Tensor gr = ENGINE.gradient(f, Backend.reverse(), x);
    Tensor h = ENGINE.hessian(f, x);
    for (int b = 0; b < batch; b++) {
      double x1 = xd[3 * b];
      double x2 = xd[3 * b + 1];
      double x3 = xd[3 * b + 2];
      double[] g = {
          Math.cos(x1) * (1 + 0.1 * Math.pow(x3, 4)),
          2 * 7 * Math.sin(x2) * Math.cos(x2),
          4 * 0.1 * Math.pow(x3, 3) * Math.sin(x1)};
      double[][] hw = {
          {-Math.sin(x1) * (1 + 0.1 * Math.pow(x3, 4)), 0, 0.4 * Math.pow(x3, 3) * Math.cos(x1)},
          {0, 14 * Math.cos(2 * x2), 0},
          {0.4 * Math.pow(x3, 3) * Math.cos(x1), 0, 1.2 * x3 * x3 * Math.sin(x1)}};
      for (int i = 0; i < 3; i++) {
        // small absolute floors: AD computes d2/dx2^2 as 14 (cos^2 - sin^2), the reference as
        // 14 cos(2 x2); near its zeros the two differ by rounding of the cancelling terms
        GradCheck.assertClose("[ishigami] forward d y / d x" + (i + 1) + " at sample " + b, g[i], gf.get(i, b),
            ANALYTIC_RTOL, 1e-14);
        GradCheck.assertClose("[ishigami] reverse d y / d x" + (i + 1) + " at sample " + b, g[i], gr.get(i, b),
            ANALYTIC_RTOL, 1e-14);
        for (int j = 0; j < 3; j++) {
          GradCheck.assertClose("[ishigami] d2 y / d x" + (i + 1) + " d x" + (j + 1) + " at sample " + b, hw[i][j],
              h.get(i, j, b), ANALYTIC_RTOL, 1e-13);
        }
      }
    }
    GradCheck.checkAll("ishigami", ENGINE, f, x);
  }

  // ------------------------------------------------------------------ softplus network

  /** {@code w2 . softplus(W1 x + b1) + b2}: 8 -> 16 -> 1. */
  static Graph softplusNet(long seed) {
    Random r = new Random(seed);
    GraphBuilder b = new GraphBuilder();
    Node x = b.input("x", Shape.of(8));
    Node w1 = b.param("W1", GradCheck.gaussian(r, 0.5, 16, 8));
    Node b1 = b.param("b1", GradCheck.gaussian(r, 0.2, 16));
    Node w2 = b.param("w2", GradCheck.gaussian(r, 0.5, 16));
    Node b2 = b.param("b2", GradCheck.gaussian(r, 0.2));
    Node h = b.unary("softplus", b.add(b.matmul(w1, x), b1));
    b.output("y", b.add(b.dot(w2, h), b2));
    return b.build();
  }

  @Test
  void softplusNetworkHessian() {
    Graph f = softplusNet(21);
    Tensor x = GradCheck.uniform(new Random(22), 4, 8, -2, 2);
    GradCheck.checkAll("softplus net 8-16-1", ENGINE, f, x);
    // and the Hessian in closed form: W1^T diag(w2 * sigmoid'(z)) W1 with z = W1 x + b1
    Tensor h = ENGINE.hessian(f, x);
    Tensor hb1 = ENGINE.hessian(f, Backend.forward(), Engine.Wrt.params("b1"), x);
    Tensor hw2 = ENGINE.hessian(f, Backend.forward(5), Engine.Wrt.params("w2"), x);
    double[] w1 = f.param("W1").value().data();
    double[] b1 = f.param("b1").value().data();
    double[] w2 = f.param("w2").value().data();
    double[] xd = x.data();
    for (int s = 0; s < 4; s++) {
      double[] d = new double[16];
      for (int k = 0; k < 16; k++) {
        double z = b1[k];
        for (int j = 0; j < 8; j++) {
          z += w1[k * 8 + j] * xd[s * 8 + j];
        }
        double sg = 1 / (1 + Math.exp(-z));
        d[k] = w2[k] * sg * (1 - sg);
      }
      for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 8; j++) {
          double want = 0;
          double mag = 0;
          for (int k = 0; k < 16; k++) {
            want += w1[k * 8 + i] * d[k] * w1[k * 8 + j];
            mag += Math.abs(w1[k * 8 + i] * d[k] * w1[k * 8 + j]);
          }
          GradCheck.assertClose("[softplus net] closed-form Hessian H[" + i + ", " + j + "] at sample " + s, want,
              h.get(i, j, s), 0, 1e-12 * mag);
        }
      }
      // with respect to the parameters b1 (diag(w2 * sigmoid'(z))) and w2 (f is linear in w2)
      for (int i = 0; i < 16; i++) {
        for (int j = 0; j < 16; j++) {
          GradCheck.assertClose("[softplus net] Hessian wrt b1 [" + i + ", " + j + "] at sample " + s,
              i == j ? d[i] : 0, hb1.get(i, j, s), 1e-13, 0);
          GradCheck.assertClose("[softplus net] Hessian wrt w2 [" + i + ", " + j + "] at sample " + s,
              0, hw2.get(i, j, s), 0, 0);
        }
      }
    }
  }
}
