package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;

/**
 * A primitive operation of the per-sample graph, with its differentiation rules side by side:
 * shape inference, the JVP (forward) rule and the VJP (transpose, reverse) rule.
 *
 * <p>Rules build new graph nodes through a {@link RuleContext}. Tangents and cotangents carry
 * {@link RuleContext#lead()} extra leading axes in front of the primal shape (the K directions
 * that are pushed at once), so a tangent of a value of shape {@code [3]} pushed in K directions
 * has shape {@code [K, 3]}. A {@code null} tangent or cotangent is a symbolic zero.
 *
 * <p>The set of primitives is kept small (see {@link Elementwise} for the elementwise table and
 * the classes beside it for the structural ones); everything else in the function language is
 * derived from them by {@link GraphBuilder}.
 */
public abstract class Op {
  /** Short name used in messages, e.g. {@code "+"}, {@code "tanh"}, {@code "reshape"}. */
  public abstract String name();

  /** The output shape for operands of the given shapes, or a {@link ShapeException}. */
  public abstract Shape shape(Shape[] args);

  /**
   * The JVP rule: the tangent of {@code out} given the operands {@code x} (nodes of the new
   * graph) and their tangents {@code dx} ({@code null} = zero, at least one is non-null).
   * Returns a node of shape {@code lead + out.shape()}, or null when the tangent is zero.
   */
  public abstract Node jvp(RuleContext r, Node out, Node[] x, Node[] dx);

  /**
   * The VJP (transpose) rule: the cotangents of the operands given the cotangent {@code ct} of
   * {@code out} (shape {@code lead + out.shape()}). Only entries with {@code needs[i]} are
   * computed; others may be null. A null entry is a zero cotangent.
   */
  public abstract Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs);

  /** True when the op is linear in all of its operands (used to skip useless work). */
  public boolean isStructural() {
    return false;
  }

  @Override
  public String toString() {
    return name();
  }
}
