package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import java.util.Arrays;

/** Places a value at offset {@code start} inside zeros of shape {@code full}; the transpose of {@link Slice}. */
public final class Pad extends Op {
  private final int[] start;
  private final Shape full;

  Pad(int[] start, Shape full) {
    this.start = start.clone();
    this.full = full;
  }

  public int[] start() {
    return start.clone();
  }

  public Shape full() {
    return full;
  }

  @Override
  public String name() {
    return "pad";
  }

  @Override
  public Shape shape(Shape[] args) {
    Shape s = args[0];
    if (s.rank() != full.rank() || start.length != full.rank()) {
      throw new ShapeException("pad: " + s + " into " + full);
    }
    for (int i = 0; i < s.rank(); i++) {
      if (start[i] < 0 || start[i] + s.dim(i) > full.dim(i)) {
        throw new ShapeException("pad: " + s + " at " + Arrays.toString(start) + " does not fit in " + full);
      }
    }
    return full;
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    return r.b().pad(dx[0], Slice.withLead(r.lead(), start, false), full.prepend(r.lead().dims()));
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    int[] stop = new int[start.length];
    for (int i = 0; i < stop.length; i++) {
      stop[i] = start[i] + x[0].shape().dim(i);
    }
    return new Node[] {r.b().slice(ct, Slice.withLead(r.lead(), start, false), Slice.withLead(r.lead(), stop, true))};
  }

  @Override
  public boolean isStructural() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Pad && Arrays.equals(((Pad) o).start, start) && ((Pad) o).full.equals(full);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(start) + full.hashCode();
  }
}
