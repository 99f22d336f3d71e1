package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;

/**
 * Matrix product of operands of rank at least 2, {@code (..., p, k) @ (..., k, q) -> (..., p, q)},
 * with NumPy broadcasting of the leading (batch) axes. Vectors are promoted to matrices by
 * {@link GraphBuilder#matmul} before this primitive is applied, so rules never special-case them.
 * Rules: {@code d(A@B) = dA@B + A@dB}; {@code Abar = ct @ B^T}, {@code Bbar = A^T @ ct}, each
 * summed back over broadcast axes.
 */
public final class MatMul extends Op {
  static final MatMul INSTANCE = new MatMul();

  private MatMul() {}

  @Override
  public String name() {
    return "@";
  }

  @Override
  public Shape shape(Shape[] args) {
    Shape a = args[0];
    Shape b = args[1];
    if (a.rank() < 2 || b.rank() < 2 || a.dim(-1) != b.dim(-2)) {
      throw new ShapeException("@: shapes " + a + " and " + b + " do not fit a matrix product");
    }
    Shape batch = Shape.broadcastOrNull(a.first(a.rank() - 2), b.first(b.rank() - 2));
    if (batch == null) {
      throw new ShapeException("@: batch axes of " + a + " and " + b + " do not broadcast");
    }
    return Shape.of(a.dim(-2), b.dim(-1)).prepend(batch.dims());
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    GraphBuilder b = r.b();
    int rank = out.shape().rank();
    Node ta = dx[0] == null ? null : b.matmulPrimitive(r.align(dx[0], x[0].shape(), rank), x[1]);
    Node tb = dx[1] == null ? null : b.matmulPrimitive(x[0], r.align(dx[1], x[1].shape(), rank));
    return r.fit(r.add(ta, tb), out.shape());
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    GraphBuilder b = r.b();
    Node ca = needs[0] ? r.unbroadcast(b.matmulPrimitive(ct, b.swapLastAxes(x[1])), x[0].shape()) : null;
    Node cb = needs[1] ? r.unbroadcast(b.matmulPrimitive(b.swapLastAxes(x[0]), ct), x[1].shape()) : null;
    return new Node[] {ca, cb};
  }
}
