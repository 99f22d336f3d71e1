package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;

/**
 * {@code where(c, a, b)}: elementwise {@code c != 0 ? a : b} with NumPy broadcasting of all three.
 * The derivative flows to the chosen branch only; the condition is not differentiable.
 */
public final class Where extends Op {
  static final Where INSTANCE = new Where();

  private Where() {}

  @Override
  public String name() {
    return "where";
  }

  @Override
  public Shape shape(Shape[] args) {
    Shape s = Shape.broadcastOrNull(args[0], args[1]);
    Shape t = s == null ? null : Shape.broadcastOrNull(s, args[2]);
    if (t == null) {
      throw new ShapeException("where: shapes " + args[0] + ", " + args[1] + " and " + args[2]
          + " do not broadcast");
    }
    return t;
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    if (dx[1] == null && dx[2] == null) {
      return null;
    }
    GraphBuilder b = r.b();
    int rank = out.shape().rank();
    Node ta = dx[1] == null ? b.scalar(0) : r.align(dx[1], x[1].shape(), rank);
    Node tb = dx[2] == null ? b.scalar(0) : r.align(dx[2], x[2].shape(), rank);
    return r.fit(b.where(x[0], ta, tb), out.shape());
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    GraphBuilder b = r.b();
    Node ca = needs[1] ? r.unbroadcast(b.where(x[0], ct, b.scalar(0)), x[1].shape()) : null;
    Node cb = needs[2] ? r.unbroadcast(b.where(x[0], b.scalar(0), ct), x[2].shape()) : null;
    return new Node[] {null, ca, cb};
  }
}
