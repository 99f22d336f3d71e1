package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;

/**
 * Joins values of equal rank along {@code axis}; all other dimensions must agree. With
 * {@code plusZero}, every value is copied as {@code v + 0.0} (a -0 becomes +0, nothing else
 * changes): the concatenation that replaces a sum of pads in reverse mode
 * ({@link GraphBuilder#add}) then gives bitwise the sum it replaces, in which every value had the
 * other pads' zeros added.
 */
public final class Concat extends Op {
  private final int axis;
  private final boolean plusZero;

  Concat(int axis) {
    this(axis, false);
  }

  Concat(int axis, boolean plusZero) {
    this.axis = axis;
    this.plusZero = plusZero;
  }

  public int axis() {
    return axis;
  }

  /** True when values are copied as {@code v + 0.0}. */
  public boolean plusZero() {
    return plusZero;
  }

  @Override
  public String name() {
    return "concat";
  }

  @Override
  public Shape shape(Shape[] args) {
    Shape first = args[0];
    if (axis < 0 || axis >= first.rank()) {
      throw new ShapeException("concat: axis " + axis + " out of range for shape " + first);
    }
    int[] d = first.dims();
    for (int k = 1; k < args.length; k++) {
      Shape s = args[k];
      boolean ok = s.rank() == first.rank();
      for (int i = 0; ok && i < s.rank(); i++) {
        ok = i == axis || s.dim(i) == first.dim(i);
      }
      if (!ok) {
        throw new ShapeException("concat: shapes " + first + " and " + s + " differ outside axis " + axis);
      }
      d[axis] += s.dim(axis);
    }
    return Shape.of(d);
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    Node[] t = new Node[x.length];
    for (int i = 0; i < x.length; i++) {
      t[i] = dx[i] != null ? dx[i] : r.zeros(x[i].shape());
    }
    return r.b().apply(new Concat(axis + r.leadRank(), plusZero), t);
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    Node[] res = new Node[x.length];
    int l = r.leadRank();
    int offset = 0;
    for (int i = 0; i < x.length; i++) {
      int len = x[i].shape().dim(axis);
      if (needs[i]) {
        Shape s = ct.shape();
        int[] start = new int[s.rank()];
        int[] stop = s.dims();
        start[l + axis] = offset;
        stop[l + axis] = offset + len;
        res[i] = r.b().slice(ct, start, stop);
      }
      offset += len;
    }
    return res;
  }

  @Override
  public boolean isStructural() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Concat c && c.axis == axis && c.plusZero == plusZero;
  }

  @Override
  public int hashCode() {
    return 2 * axis + (plusZero ? 1 : 0);
  }
}
