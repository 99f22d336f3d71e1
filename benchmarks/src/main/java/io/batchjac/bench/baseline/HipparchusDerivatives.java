package io.batchjac.bench.baseline;

import org.hipparchus.analysis.differentiation.DSCompiler;
import org.hipparchus.analysis.differentiation.DSFactory;
import org.hipparchus.analysis.differentiation.DerivativeStructure;
import org.hipparchus.analysis.differentiation.Gradient;

/**
 * The in-JVM peer: Hipparchus 4.0.3's forward-mode objects, used the way a Java user would,
 * one sample at a time ({@link Gradient} for first derivatives, {@link DerivativeStructure} of
 * order 2 for Hessians). Layouts are the engine's ({@code x} C-order {@code (B, N)}; results
 * batch-last Fortran: Jacobian {@code J[m + M*n + M*N*b]}, Hessian {@code H[i + N*j + N*N*b]}).
 */
public final class HipparchusDerivatives {
  private HipparchusDerivatives() {}

  /** Jacobian of a tanh network (activation after every layer but the last), samples {@code [from, to)}. */
  public static void mlpJacobian(Network net, double[] x, double[] out, int from, int to) {
    int n = net.inputs();
    int m = net.outputs();
    for (int b = from; b < to; b++) {
      Gradient[] h = new Gradient[n];
      for (int i = 0; i < n; i++) {
        h[i] = Gradient.variable(n, i, x[b * n + i]);
      }
      for (int l = 0; l < net.layers(); l++) {
        h = layer(net, l, h);
        if (l < net.layers() - 1) {
          for (int j = 0; j < h.length; j++) {
            h[j] = h[j].tanh();
          }
        }
      }
      for (int i = 0; i < m; i++) {
        double[] g = h[i].getGradient();
        for (int j = 0; j < n; j++) {
          out[i + m * j + m * n * b] = g[j];
        }
      }
    }
  }

  private static Gradient[] layer(Network net, int l, Gradient[] in) {
    double[] w = net.weights().get(l);
    double[] bias = net.biases().get(l);
    int rows = net.sizes()[l + 1];
    Gradient[] out = new Gradient[rows];
    for (int j = 0; j < rows; j++) {
      Gradient acc = Gradient.constant(in[0].getFreeParameters(), bias[j]);
      for (int i = 0; i < in.length; i++) {
        acc = acc.add(in[i].multiply(w[j * in.length + i]));
      }
      out[j] = acc;
    }
    return out;
  }

  /** Gradient of Borehole (N = 8, the order of {@code conf/examples/borehole.fn}), samples {@code [from, to)}. */
  public static void boreholeGradient(double[] x, double[] out, int from, int to) {
    for (int b = from; b < to; b++) {
      Gradient[] v = new Gradient[8];
      for (int i = 0; i < 8; i++) {
        v[i] = Gradient.variable(8, i, x[8 * b + i]);
      }
      Gradient rw = v[0];
      Gradient r = v[1];
      Gradient tu = v[2];
      Gradient hu = v[3];
      Gradient tl = v[4];
      Gradient hl = v[5];
      Gradient len = v[6];
      Gradient kw = v[7];
      Gradient lnr = r.divide(rw).log();
      Gradient inner = len.multiply(2).multiply(tu).divide(lnr.multiply(rw.square()).multiply(kw))
          .add(1).add(tu.divide(tl));
      Gradient f = tu.multiply(2 * Math.PI).multiply(hu.subtract(hl)).divide(lnr.multiply(inner));
      System.arraycopy(f.getGradient(), 0, out, 8 * b, 8);
    }
  }

  /**
   * Hessian of a one-output softplus network (softplus after every layer but the last), order-2
   * derivative structures, samples {@code [from, to)}.
   */
  public static void softplusHessian(Network net, double[] x, double[] out, int from, int to) {
    int n = net.inputs();
    DSFactory factory = new DSFactory(n, 2);
    int[][] index = hessianIndex(factory.getCompiler(), n);
    for (int b = from; b < to; b++) {
      DerivativeStructure[] h = new DerivativeStructure[n];
      for (int i = 0; i < n; i++) {
        h[i] = factory.variable(i, x[b * n + i]);
      }
      for (int l = 0; l < net.layers(); l++) {
        double[] w = net.weights().get(l);
        double[] bias = net.biases().get(l);
        int rows = net.sizes()[l + 1];
        DerivativeStructure[] next = new DerivativeStructure[rows];
        for (int j = 0; j < rows; j++) {
          DerivativeStructure acc = factory.constant(bias[j]);
          for (int i = 0; i < h.length; i++) {
            acc = acc.add(h[i].multiply(w[j * h.length + i]));
          }
          next[j] = l < net.layers() - 1 ? softplus(acc) : acc;
        }
        h = next;
      }
      double[] all = h[0].getAllDerivatives();
      for (int i = 0; i < n; i++) {
        for (int j = 0; j < n; j++) {
          out[i + n * j + n * n * b] = all[index[i][j]];
        }
      }
    }
  }

  /** softplus(z) = max(z, 0) + log1p(exp(-|z|)), written with the structure's own functions. */
  private static DerivativeStructure softplus(DerivativeStructure z) {
    return z.getValue() > 0 ? z.add(z.negate().exp().log1p()) : z.exp().log1p();
  }

  private static int[][] hessianIndex(DSCompiler c, int n) {
    int[][] idx = new int[n][n];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        int[] orders = new int[n];
        orders[i]++;
        orders[j]++;
        idx[i][j] = c.getPartialDerivativeIndex(orders);
      }
    }
    return idx;
  }
}
