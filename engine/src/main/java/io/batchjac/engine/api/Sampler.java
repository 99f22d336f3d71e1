package io.batchjac.engine.api;

import io.batchjac.engine.ir.Distribution;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.Node;

/**
 * Draws per-sample inputs from the distributions a function declares (standard normal for
 * inputs without one), with a counter-based generator: value j of sample b is a pure function
 * of {@code (seed, b, j)} (SplitMix64 finalizer over the counter), so any range of samples can be
 * drawn independently, in any order, on any machine, and always gives the same numbers.
 */
public final class Sampler {
  private final Distribution[] perValue;
  private final long seed;

  /** A sampler for the inputs of {@code f} (flattened in declaration order). */
  public Sampler(Graph f, long seed) {
    perValue = new Distribution[f.inputSize()];
    int j = 0;
    for (Node in : f.inputs()) {
      Distribution d = in.distribution() == null ? Distribution.STANDARD_NORMAL : in.distribution();
      for (int k = 0; k < in.shape().size(); k++) {
        perValue[j++] = d;
      }
    }
    this.seed = seed;
  }

  /** N: values per sample. */
  public int width() {
    return perValue.length;
  }

  /** Samples {@code [b0, b0 + count)} as C-order rows, {@code width()} values each. */
  public double[] draw(long b0, int count) {
    double[] out = new double[count * perValue.length];
    draw(b0, count, out);
    return out;
  }

  /** As {@link #draw(long, int)}, into the first {@code count * width()} values of {@code out}. */
  public void draw(long b0, int count, double[] out) {
    int n = perValue.length;
    for (int s = 0; s < count; s++) {
      long b = b0 + s;
      for (int j = 0; j < n; j++) {
        long base = mix(mix(seed ^ 0x9E3779B97F4A7C15L * (b + 1)) + j);
        double u1 = unit(mix(base ^ 0x1L));
        Distribution d = perValue[j];
        double z = 0;
        if (d.kind() != Distribution.Kind.UNIFORM) {
          double u2 = unit(mix(base ^ 0x2L));
          z = Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
        }
        out[s * n + j] = d.transform(u1, z);
      }
    }
  }

  /** A uniform double in the open interval (0, 1) from 53 random bits. */
  private static double unit(long bits) {
    return ((bits >>> 11) + 0.5) * 0x1.0p-53;
  }

  /** The SplitMix64 finalizer: a bijective 64-bit mix with good avalanche. */
  static long mix(long z) {
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    return z ^ (z >>> 31);
  }
}
