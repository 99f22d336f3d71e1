package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;

/** Reinterprets a value's elements (row-major) under a new shape of the same size; free at run time. */
public final class Reshape extends Op {
  private final Shape target;

  Reshape(Shape target) {
    this.target = target;
  }

  public Shape target() {
    return target;
  }

  @Override
  public String name() {
    return "reshape";
  }

  @Override
  public Shape shape(Shape[] args) {
    if (args[0].size() != target.size()) {
      throw new ShapeException("reshape: cannot reshape " + args[0] + " (" + args[0].size()
          + " elements) to " + target + " (" + target.size() + " elements)");
    }
    return target;
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    return r.b().reshape(dx[0], target.prepend(r.lead().dims()));
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    return new Node[] {r.b().reshape(ct, x[0].shape().prepend(r.lead().dims()))};
  }

  @Override
  public boolean isStructural() {
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Reshape && ((Reshape) o).target.equals(target);
  }

  @Override
  public int hashCode() {
    return target.hashCode();
  }
}
