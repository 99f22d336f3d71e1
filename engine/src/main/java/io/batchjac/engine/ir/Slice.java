package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import java.util.Arrays;

/**
 * The box {@code start[i] <= index[i] < stop[i]} of a value (same rank; unit steps). Integer
 * indexing {@code x[i]} is a slice followed by a reshape that drops the axis. Its transpose is
 * {@link Pad}.
 */
public final class Slice extends Op {
  private final int[] start;
  private final int[] stop;

  Slice(int[] start, int[] stop) {
    this.start = start.clone();
    this.stop = stop.clone();
  }

  public int[] start() {
    return start.clone();
  }

  public int[] stop() {
    return stop.clone();
  }

  @Override
  public String name() {
    return "slice";
  }

  @Override
  public Shape shape(Shape[] args) {
    Shape s = args[0];
    if (start.length != s.rank() || stop.length != s.rank()) {
      throw new ShapeException("slice: bounds of rank " + start.length + " for shape " + s);
    }
    int[] d = new int[s.rank()];
    for (int i = 0; i < d.length; i++) {
      if (start[i] < 0 || stop[i] > s.dim(i) || start[i] > stop[i]) {
        throw new ShapeException("slice: " + start[i] + ":" + stop[i] + " is out of range for axis "
            + i + " of length " + s.dim(i) + " (shape " + s + ")");
      }
      d[i] = stop[i] - start[i];
    }
    return Shape.of(d);
  }

  static int[] withLead(Shape lead, int[] bounds, boolean upper) {
    int l = lead.rank();
    int[] b = new int[l + bounds.length];
    for (int i = 0; i < l; i++) {
      b[i] = upper ? lead.dim(i) : 0;
    }
    System.arraycopy(bounds, 0, b, l, bounds.length);
    return b;
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    return r.b().slice(dx[0], withLead(r.lead(), start, false), withLead(r.lead(), stop, true));
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    Shape full = x[0].shape().prepend(r.lead().dims());
    return new Node[] {r.b().pad(ct, withLead(r.lead(), start, false), full)};
  }

  @Override
  public boolean isStructural() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Slice && Arrays.equals(((Slice) o).start, start) && Arrays.equals(((Slice) o).stop, stop);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(start) + Arrays.hashCode(stop);
  }
}
