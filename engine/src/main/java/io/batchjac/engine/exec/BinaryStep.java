package io.batchjac.engine.exec;

import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.ElementKernel;
import io.batchjac.engine.codegen.Kernels;

/**
 * An elementwise binary primitive with broadcasting. Each operand is classified against the
 * output shape: FULL (same shape), SCALAR (one value per sample), SUFFIX (its shape is the
 * output's trailing axes, so it repeats with a period) or GATHER (anything else: gathered per
 * sample through an index map). The plan expands constant operands that are neither FULL nor
 * SCALAR to the output shape once, so only batched operands reach SUFFIX and GATHER. An outer
 * product ({@code (..., p, 1) op (..., 1, q) -> (..., p, q)}, what the per-sample gradients of a
 * layer's weights are) runs row by row: row i is {@code a[i] op b}, one vectorized loop per row.
 */
final class BinaryStep extends Step {
  enum Layout { FULL, SCALAR, SUFFIX, GATHER }

  private final Definition definition;
  private final ElementKernel kernel;
  private final Operand a;
  private final Operand b;
  private final Operand out;
  private final Layout la;
  private final Layout lb;
  private final int[] mapA;
  private final int[] mapB;
  /** 0: no outer product; 1: a is the column (p values), b the row (q); 2: a the row, b the column. */
  private final int outer;

  BinaryStep(Binary op, Operand a, Shape sa, Operand b, Shape sb, Operand out, Shape so) {
    this(op.definition(), a, sa, b, sb, out, so);
  }

  /**
   * @param definition the primitive's definition, or for a strong-zero primitive whose x is a
   *     constant without zeros its {@link Definition#plain() plain} form (the same values: the
   *     strong zero never applies)
   */
  BinaryStep(Definition definition, Operand a, Shape sa, Operand b, Shape sb, Operand out, Shape so) {
    super(a, b);
    this.definition = definition;
    this.kernel = Kernels.of(definition);
    this.a = a;
    this.b = b;
    this.out = out;
    this.la = layout(sa, so);
    this.lb = layout(sb, so);
    this.mapA = la == Layout.GATHER ? IndexMaps.broadcast(sa, so) : null;
    this.mapB = lb == Layout.GATHER ? IndexMaps.broadcast(sb, so) : null;
    this.outer = isColumn(sa, so) && lb == Layout.SUFFIX && sb.size() == so.dim(-1) ? 1
        : isColumn(sb, so) && la == Layout.SUFFIX && sa.size() == so.dim(-1) ? 2 : 0;
  }

  Definition definition() {
    return definition;
  }

  Operand a() {
    return a;
  }

  Operand b() {
    return b;
  }

  Operand out() {
    return out;
  }

  /**
   * True when a fused group may take the step: batched output, not an outer product, and every
   * operand read at position {@code e % size} of its sample (or of the constant) for output
   * position e: of the output's size, a single value, or the output's trailing axes (a bias, a
   * weight row, a per-sample partial repeated over K cotangent rows). Gathers are not.
   */
  boolean fusable() {
    return out.batched() && out.size() > 0 && outer == 0 && la != Layout.GATHER && lb != Layout.GATHER;
  }

  /**
   * What {@link #run} computes for one sample, element by element (for generated per-sample code,
   * {@code RowCode}): output element i is {@code f(a[ia[i]], b[ib[i]])}, indices into the
   * sample's values of a and b, with the step's {@link #definition()} (the plain form where the
   * plan chose it for a constant x without zeros). Keep in step with {@link #run}: RowProgramTest
   * compares the two bitwise.
   */
  record Route(int[] ia, int[] ib) {}

  Route route() {
    int n = out.size();
    int[] ia = new int[n];
    int[] ib = new int[n];
    if (fullSpan(la, a) && fullSpan(lb, b)) { // one flat loop, the full primitive
      for (int i = 0; i < n; i++) {
        ia[i] = a.batched() ? i : 0;
        ib[i] = b.batched() ? i : 0;
      }
      return new Route(ia, ib);
    }
    if (outer != 0) { // row i of the output is col[i] op row (or row op col[i]), the full primitive
      int p = outer == 1 ? a.size() : b.size();
      int q = n / p;
      for (int i = 0; i < p; i++) {
        for (int j = 0; j < q; j++) {
          ia[i * q + j] = outer == 1 ? i : j;
          ib[i * q + j] = outer == 1 ? j : i;
        }
      }
      return new Route(ia, ib);
    }
    for (int i = 0; i < n; i++) {
      ia[i] = la == Layout.GATHER ? mapA[i] : index(la, i, a.size());
      ib[i] = lb == Layout.GATHER ? mapB[i] : index(lb, i, b.size());
    }
    return new Route(ia, ib);
  }

  private static int index(Layout l, int i, int size) {
    return l == Layout.FULL ? i : l == Layout.SCALAR ? 0 : i % size;
  }

  /** True when {@code s} is {@code (1..., p, 1)} and the output {@code (1..., p, q)}, q > 1. */
  private static boolean isColumn(Shape s, Shape out) {
    return s.rank() >= 2 && out.rank() >= 2 && s.dim(-1) == 1 && out.dim(-1) > 1
        && s.size() == out.dim(-2) && s.dim(-2) == out.dim(-2) && out.size() == out.dim(-2) * out.dim(-1);
  }

  static Layout layout(Shape s, Shape out) {
    if (s.size() == out.size()) {
      return Layout.FULL; // equal up to axes of length 1: the same row-major order
    }
    if (s.size() == 1) {
      return Layout.SCALAR;
    }
    int lead = 0;
    while (lead < s.rank() && s.dim(lead) == 1) {
      lead++;
    }
    Shape core = s.dropFirst(lead);
    if (core.rank() <= out.rank() && out.dropFirst(out.rank() - core.rank()).equals(core)) {
      return Layout.SUFFIX;
    }
    return Layout.GATHER;
  }

  /**
   * True when the operand can be read as one flat run over the whole chunk: batched and of the
   * output's size, or a single constant value.
   */
  private static boolean fullSpan(Layout l, Operand o) {
    return o.batched() ? l == Layout.FULL : o.size() == 1;
  }

  @Override
  void run(Frame f, int c) {
    double[] ab = f.buf[a.slot()];
    double[] bb = f.buf[b.slot()];
    double[] ob = f.buf[out.slot()];
    int ao = f.off[a.slot()];
    int bo = f.off[b.slot()];
    int oo = f.off[out.slot()];
    int n = out.size();
    int samples = out.batched() ? c : 1;
    Tiles t = f.tiles;
    if (fullSpan(la, a) && fullSpan(lb, b)) {
      int total = samples * n;
      if (a.batched() && b.batched()) {
        Loops.vv(kernel, ab, ao, bb, bo, ob, oo, total, t);
        return;
      }
      if (a.batched() && b.size() == 1) {
        Loops.vs(kernel, ab, ao, bb[bo], ob, oo, total, t);
        return;
      }
      if (b.batched() && a.size() == 1) {
        Loops.sv(kernel, ab[ao], bb, bo, ob, oo, total, t);
        return;
      }
    }
    if (outer != 0) {
      runOuter(ab, ao, bb, bo, ob, oo, n, samples, t);
      return;
    }
    double[] ta = la == Layout.GATHER ? new double[n] : null;
    double[] tb = lb == Layout.GATHER ? new double[n] : null;
    int sa = a.stride();
    int sb = b.stride();
    for (int s = 0; s < samples; s++) {
      int pa = ao + s * sa;
      int pb = bo + s * sb;
      int po = oo + s * n;
      if (ta != null) {
        gather(ab, pa, mapA, ta);
        sample(ta, 0, Layout.FULL, bb, pb, lb, tb, ob, po, n, t);
      } else {
        sample(ab, pa, la, bb, pb, lb, tb, ob, po, n, t);
      }
    }
  }

  private void sample(double[] ab, int pa, Layout la, double[] bb, int pb, Layout lb, double[] tb,
      double[] ob, int po, int n, Tiles t) {
    if (tb != null) {
      gather(bb, pb, mapB, tb);
      bb = tb;
      pb = 0;
      lb = Layout.FULL;
    }
    ElementKernel k = kernel;
    if (la == Layout.SCALAR) {
      if (lb == Layout.SCALAR) {
        ob[po] = k.applyAsDouble(ab[pa], bb[pb]);
        for (int i = 1; i < n; i++) {
          ob[po + i] = ob[po];
        }
      } else if (lb == Layout.FULL) {
        Loops.sv(k, ab[pa], bb, pb, ob, po, n, t);
      } else {
        int period = this.b.size();
        for (int r = 0; r < n; r += period) {
          Loops.sv(k, ab[pa], bb, pb, ob, po + r, period, t);
        }
      }
    } else if (lb == Layout.SCALAR) {
      if (la == Layout.FULL) {
        Loops.vs(k, ab, pa, bb[pb], ob, po, n, t);
      } else {
        int period = this.a.size();
        for (int r = 0; r < n; r += period) {
          Loops.vs(k, ab, pa, bb[pb], ob, po + r, period, t);
        }
      }
    } else if (la == Layout.FULL && lb == Layout.FULL) {
      Loops.vv(k, ab, pa, bb, pb, ob, po, n, t);
    } else if (la == Layout.SUFFIX && lb == Layout.FULL) {
      int period = this.a.size();
      for (int r = 0; r < n; r += period) {
        Loops.vv(k, ab, pa, bb, pb + r, ob, po + r, period, t);
      }
    } else if (la == Layout.FULL && lb == Layout.SUFFIX) {
      int period = this.b.size();
      Loops.vRepeat(k, ab, pa, bb, pb, ob, po, period, n / period, t);
    } else {
      // both repeat with (possibly different) periods: fall back to element indexing
      int qa = this.a.size();
      int qb = this.b.size();
      for (int i = 0; i < n; i++) {
        ob[po + i] = k.applyAsDouble(ab[pa + i % qa], bb[pb + i % qb]);
      }
    }
  }

  /** Outer products, sample by sample: output row i is {@code col[i] op row} (or {@code row op col[i]}). */
  private void runOuter(double[] ab, int ao, double[] bb, int bo, double[] ob, int oo, int n, int samples, Tiles t) {
    int sa = a.stride();
    int sb = b.stride();
    int p = outer == 1 ? a.size() : b.size();
    int q = n / p;
    for (int s = 0; s < samples; s++) {
      int pa = ao + s * sa;
      int pb = bo + s * sb;
      int po = oo + s * n;
      for (int i = 0; i < p; i++) {
        if (outer == 1) {
          Loops.sv(kernel, ab[pa + i], bb, pb, ob, po + i * q, q, t);
        } else {
          Loops.vs(kernel, ab, pa, bb[pb + i], ob, po + i * q, q, t);
        }
      }
    }
  }

  private static void gather(double[] src, int base, int[] map, double[] dst) {
    for (int i = 0; i < map.length; i++) {
      dst[i] = src[base + map[i]];
    }
  }
}
