package io.batchjac.engine.exec;

import io.batchjac.engine.tensor.Shape;

/**
 * Per-sample index maps (row-major offsets) that turn structural ops into gathers and
 * scatter-adds: {@code out[i] = in[map[i]]} (or 0 where {@code map[i] < 0}).
 */
final class IndexMaps {
  private IndexMaps() {}

  /** For each element of {@code out}, the offset of the element of {@code in} that broadcasts to it. */
  static int[] broadcast(Shape in, Shape out) {
    int r = out.rank();
    int[] inStrides = new int[r];
    int[] s = in.strides();
    int off = r - in.rank();
    for (int i = 0; i < in.rank(); i++) {
      inStrides[off + i] = in.dim(i) == 1 ? 0 : s[i];
    }
    return walk(out, inStrides, new int[r]);
  }

  /** Output axis i is input axis perm[i]. */
  static int[] transpose(Shape in, int[] perm, Shape out) {
    int[] s = in.strides();
    int[] st = new int[perm.length];
    for (int i = 0; i < perm.length; i++) {
      st[i] = s[perm[i]];
    }
    return walk(out, st, new int[perm.length]);
  }

  /** The box starting at {@code start} of shape {@code out} inside {@code in}. */
  static int[] slice(Shape in, int[] start, Shape out) {
    return walk(out, in.strides(), start);
  }

  /** For each element of {@code full}: the offset in {@code in} placed at {@code start}, or -1. */
  static int[] pad(Shape in, int[] start, Shape full) {
    int r = full.rank();
    int[] map = new int[full.size()];
    int[] idx = new int[r];
    int[] s = in.strides();
    for (int lin = 0; lin < map.length; lin++) {
      int o = 0;
      boolean inside = true;
      for (int i = 0; i < r && inside; i++) {
        int k = idx[i] - start[i];
        inside = k >= 0 && k < in.dim(i);
        o += k * s[i];
      }
      map[lin] = inside ? o : -1;
      advance(idx, full);
    }
    return map;
  }

  /** For each element of {@code in}: the offset of the output element it is summed into. */
  static int[] reduce(Shape in, int[] axes) {
    int r = in.rank();
    boolean[] summed = new boolean[r];
    for (int a : axes) {
      summed[a] = true;
    }
    int[] outStride = new int[r];
    int acc = 1;
    for (int i = r - 1; i >= 0; i--) {
      if (!summed[i]) {
        outStride[i] = acc;
        acc *= in.dim(i);
      }
    }
    return walk(in, outStride, new int[r]);
  }

  /** True when {@code map[i] == i} for all i. */
  static boolean isIdentity(int[] map) {
    for (int i = 0; i < map.length; i++) {
      if (map[i] != i) {
        return false;
      }
    }
    return true;
  }

  /** Offsets {@code sum((start[i] + idx[i]) * strides[i])} over the multi-indices of {@code shape}. */
  private static int[] walk(Shape shape, int[] strides, int[] start) {
    int r = shape.rank();
    int[] map = new int[shape.size()];
    int[] idx = new int[r];
    int base = 0;
    for (int i = 0; i < r; i++) {
      base += start[i] * strides[i];
    }
    for (int lin = 0; lin < map.length; lin++) {
      int o = base;
      for (int i = 0; i < r; i++) {
        o += idx[i] * strides[i];
      }
      map[lin] = o;
      advance(idx, shape);
    }
    return map;
  }

  private static void advance(int[] idx, Shape shape) {
    for (int i = idx.length - 1; i >= 0; i--) {
      if (++idx[i] < shape.dim(i)) {
        return;
      }
      idx[i] = 0;
    }
  }
}
