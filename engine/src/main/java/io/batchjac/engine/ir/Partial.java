package io.batchjac.engine.ir;

/**
 * A partial derivative of an elementwise binary primitive with respect to one operand, as a
 * graph: {@code of(b, x, y, out)} builds {@code d out / d x} (or {@code / d y}) from the
 * operands and the result. Returns null for an identically zero partial.
 * {@link #ONE} and {@link #MINUS_ONE} mark constant partials so that rules add or subtract
 * tangents instead of multiplying.
 */
@FunctionalInterface
public interface Partial {
  Node of(GraphBuilder b, Node x, Node y, Node out);

  /** The partial that is 1 everywhere (e.g. of {@code x + y}). */
  Partial ONE = (b, x, y, out) -> b.scalar(1);

  /** The partial that is -1 everywhere (e.g. of {@code x - y} in {@code y}). */
  Partial MINUS_ONE = (b, x, y, out) -> b.scalar(-1);

  /** The partial that is 0 everywhere (comparisons). */
  Partial ZERO = (b, x, y, out) -> null;
}
