package io.batchjac.engine.ir;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.Kernels;
import io.batchjac.engine.tensor.Shape;
import java.util.function.DoubleUnaryOperator;

/**
 * An elementwise function of one operand: {@code y = f(x)} per element. Its single rule is the
 * derivative {@code f'(x)} as a graph (from {@code x} and the result {@code y}); the JVP is
 * {@code f'(x) * dx} and the VJP {@code ct * f'(x)} (as {@link Elementwise#ZMUL}: a zero
 * (co)tangent stays exactly zero where {@code f'} is infinite), since the Jacobian is diagonal. A linear op
 * (negation) applies itself to the tangent instead. The table of instances is {@link Elementwise}.
 */
public final class Unary extends Op {
  /** Builds {@code f'(x)} from {@code x} and {@code y = f(x)}; returns null for zero. */
  @FunctionalInterface
  public interface Derivative {
    Node of(GraphBuilder b, Node x, Node y);
  }

  private final Definition definition;
  private final Derivative derivative;
  private final boolean linear;

  Unary(Definition definition, Derivative derivative, boolean linear) {
    this.definition = definition;
    this.derivative = derivative;
    this.linear = linear;
  }

  @Override
  public String name() {
    return definition.name();
  }

  /** The scalar definition, the source of every executable form (see {@link Elementwise}). */
  public Definition definition() {
    return definition;
  }

  /** The scalar function, generated from the definition (compiled on first use). */
  public DoubleUnaryOperator fn() {
    return Kernels.of(definition);
  }

  @Override
  public Shape shape(Shape[] args) {
    return args[0];
  }

  @Override
  public Node jvp(RuleContext r, Node out, Node[] x, Node[] dx) {
    if (linear) {
      return r.b().apply(this, dx[0]);
    }
    Node d = derivative.of(r.b(), x[0], out);
    return d == null ? null : r.fit(r.b().zmul(dx[0], d), out.shape());
  }

  @Override
  public Node[] vjp(RuleContext r, Node out, Node[] x, Node ct, boolean[] needs) {
    if (linear) {
      return new Node[] {r.b().apply(this, ct)};
    }
    Node d = derivative.of(r.b(), x[0], out);
    return new Node[] {d == null ? null : r.fit(r.b().zmul(ct, d), x[0].shape())};
  }
}
