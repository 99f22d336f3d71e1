package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;

/** Stretches a value to a larger shape by NumPy broadcasting; its transpose sums over the stretched axes. */
public final class BroadcastTo extends Op {
  private final Shape target;

  BroadcastTo(Shape target) {
    this.target = target;
  }

  public Shape target() {
    return target;
  }

  @Override
  public String name() {
    return "broadcast";
  }

  @Override
  public Shape shape(Shape[] args) {
    if (!args[0].broadcastsTo(target)) {
      throw new ShapeException("broadcast: shape " + args[0] + " does not broadcast to " + target);
    }
    return target;
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    Node t = r.align(dx[0], x[0].shape(), target.rank());
    return r.b().broadcastTo(t, target.prepend(r.lead().dims()));
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    return new Node[] {r.unbroadcast(ct, x[0].shape())};
  }

  @Override
  public boolean isStructural() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof BroadcastTo && ((BroadcastTo) o).target.equals(target);
  }

  @Override
  public int hashCode() {
    return target.hashCode();
  }
}
