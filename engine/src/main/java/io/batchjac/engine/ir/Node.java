package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.List;

/**
 * One value of a per-sample graph: an input, a parameter, a constant, or the result of an
 * {@link Op} applied to earlier nodes. {@link #shape()} is the shape for ONE sample; the batch is
 * implicit. A node is {@link #batched()} when its value differs between samples (it depends on an
 * input); values that do not (parameters, constants, anything computed only from them) are
 * evaluated once and stored once by the executor.
 *
 * <p>Nodes are created by a {@link GraphBuilder}, immutable, and identified by their position
 * {@link #id()} in the builder, which is a topological order.
 */
public final class Node {
  /** What produces a node's value. */
  public enum Kind {
    /** A per-sample input ({@code input x[3]}). */
    INPUT,
    /** A named sample-independent tensor ({@code param W = ...}) that can be differentiated. */
    PARAM,
    /** An anonymous sample-independent tensor (literals, seeds). */
    CONSTANT,
    /** The result of an {@link Op}. */
    OP
  }

  private final int id;
  private final Kind kind;
  private final Op op;
  private final Node[] args;
  private final Shape shape;
  private final boolean batched;
  private final String name;
  private final Tensor value;
  private final Distribution distribution;

  Node(int id, Kind kind, Op op, Node[] args, Shape shape, boolean batched, String name,
      Tensor value, Distribution distribution) {
    this.id = id;
    this.kind = kind;
    this.op = op;
    this.args = args;
    this.shape = shape;
    this.batched = batched;
    this.name = name;
    this.value = value;
    this.distribution = distribution;
  }

  public int id() {
    return id;
  }

  public Kind kind() {
    return kind;
  }

  /** The operation, for {@link Kind#OP} nodes; null otherwise. */
  public Op op() {
    return op;
  }

  /** The operands of an {@link Kind#OP} node (empty for leaves). */
  public List<Node> args() {
    return List.of(args);
  }

  /** Operand {@code i}. */
  public Node arg(int i) {
    return args[i];
  }

  public int arity() {
    return args.length;
  }

  /** Per-sample shape. */
  public Shape shape() {
    return shape;
  }

  /** True when the value differs between samples. */
  public boolean batched() {
    return batched;
  }

  /** The name of an input or parameter; null for other nodes. */
  public String name() {
    return name;
  }

  /** The value of a parameter or constant; null for other nodes. */
  public Tensor value() {
    return value;
  }

  /** An input's declared distribution, or null. */
  public Distribution distribution() {
    return distribution;
  }

  /** True for a constant node whose every element equals {@code v}. */
  public boolean isConstant(double v) {
    if (kind != Kind.CONSTANT) {
      return false;
    }
    for (double d : value.data()) {
      if (d != v) {
        return false;
      }
    }
    return true;
  }

  @Override
  public String toString() {
    String what = switch (kind) {
      case INPUT -> "input " + name;
      case PARAM -> "param " + name;
      case CONSTANT -> "const";
      case OP -> op.toString();
    };
    return "%" + id + " = " + what + shape + (batched ? " (batched)" : "");
  }
}
