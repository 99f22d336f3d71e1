package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import java.util.Arrays;

/** Sums over the given axes (sorted, distinct), which are removed from the shape. */
public final class ReduceSum extends Op {
  private final int[] axes;

  ReduceSum(int[] axes) {
    this.axes = axes.clone();
  }

  public int[] axes() {
    return axes.clone();
  }

  @Override
  public String name() {
    return "sum";
  }

  @Override
  public Shape shape(Shape[] args) {
    return kept(args[0], false);
  }

  /** The shape without the summed axes, or with them as 1 ({@code keepDims}). */
  Shape kept(Shape s, boolean keepDims) {
    int[] d = new int[s.rank()];
    int n = 0;
    int k = 0;
    for (int i = 0; i < s.rank(); i++) {
      if (k < axes.length && axes[k] == i) {
        k++;
        if (keepDims) {
          d[n++] = 1;
        }
      } else {
        d[n++] = s.dim(i);
      }
    }
    if (k != axes.length) {
      throw new ShapeException("sum: axes " + Arrays.toString(axes) + " out of range for shape " + s);
    }
    return Shape.of(Arrays.copyOf(d, n));
  }

  private int[] shifted(int l) {
    int[] a = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      a[i] = axes[i] + l;
    }
    return a;
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    return r.b().sum(dx[0], shifted(r.leadRank()));
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    Shape lead = r.lead();
    Node k = r.b().reshape(ct, kept(x[0].shape(), true).prepend(lead.dims()));
    return new Node[] {r.b().broadcastTo(k, x[0].shape().prepend(lead.dims()))};
  }

  @Override
  public boolean isStructural() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ReduceSum && Arrays.equals(((ReduceSum) o).axes, axes);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(axes);
  }
}
