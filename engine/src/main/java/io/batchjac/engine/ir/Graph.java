package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.List;

/**
 * An immutable per-sample function: its nodes in topological order, its inputs (in declaration
 * order), its named parameters and its named outputs. Built by {@link GraphBuilder}; the AD
 * transformations in {@code io.batchjac.engine.ad} map graphs to graphs.
 *
 * <p>Flattening convention (README, "Layouts"): the per-sample input vector is all inputs
 * flattened row-major and concatenated in declaration order ({@link #inputSize()} = N); the
 * output vector likewise ({@link #outputSize()} = M).
 */
public final class Graph {
  /** A named output. */
  public record Output(String name, Node node) {}

  private final List<Node> nodes;
  private final List<Node> inputs;
  private final List<Node> params;
  private final List<Output> outputs;

  Graph(List<Node> nodes, List<Node> inputs, List<Node> params, List<Output> outputs) {
    this.nodes = List.copyOf(nodes);
    this.inputs = List.copyOf(inputs);
    this.params = List.copyOf(params);
    this.outputs = List.copyOf(outputs);
  }

  /** All nodes, topologically ordered (every operand before its users). */
  public List<Node> nodes() {
    return nodes;
  }

  public List<Node> inputs() {
    return inputs;
  }

  public List<Node> params() {
    return params;
  }

  public List<Output> outputs() {
    return outputs;
  }

  /** The parameter of that name, or null. */
  public Node param(String name) {
    for (Node p : params) {
      if (p.name().equals(name)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The params that {@code names} select (what {@code --wrt} and {@code Engine.Wrt.params} mean),
   * in the order given: a name selects the param of that name or, when there is none, every param
   * whose name starts with the name and a dot, in graph order: all params {@code net.P} of a model
   * {@code net} ({@link Model}), or one module's ({@code net.fc1} selects {@code net.fc1.weight} and
   * {@code net.fc1.bias}).
   *
   * @throws IllegalArgumentException for a name that selects nothing (the message lists the
   *     params) or a param selected twice
   */
  public List<Node> selectParams(List<String> names) {
    List<Node> out = new ArrayList<>();
    for (String name : names) {
      List<Node> selected = new ArrayList<>();
      Node exact = param(name);
      if (exact != null) {
        selected.add(exact);
      } else {
        for (Node p : params) {
          if (p.name().startsWith(name + ".")) {
            selected.add(p);
          }
        }
      }
      if (selected.isEmpty()) {
        List<String> all = params.stream().map(Node::name).toList();
        throw new IllegalArgumentException("no parameter named '" + name + "'; the function has "
            + (all.isEmpty() ? "no parameters" : "parameters " + all));
      }
      for (Node p : selected) {
        if (out.contains(p)) {
          throw new IllegalArgumentException("parameter '" + p.name() + "' is selected twice (by '" + name
              + "' and an earlier name)");
        }
        out.add(p);
      }
    }
    return out;
  }

  /** N: the total size of all inputs of one sample. */
  public int inputSize() {
    return totalSize(inputs);
  }

  /** M: the total size of all outputs of one sample. */
  public int outputSize() {
    int m = 0;
    for (Output o : outputs) {
      m += o.node().shape().size();
    }
    return m;
  }

  static int totalSize(List<Node> ns) {
    int n = 0;
    for (Node x : ns) {
      n += x.shape().size();
    }
    return n;
  }

  /** A readable listing, one node per line (for debugging and error reports). */
  public String dump() {
    StringBuilder sb = new StringBuilder();
    for (Node n : nodes) {
      sb.append(n);
      if (n.kind() == Node.Kind.OP) {
        sb.append(" (");
        for (int i = 0; i < n.arity(); i++) {
          sb.append(i > 0 ? ", %" : "%").append(n.arg(i).id());
        }
        sb.append(')');
      }
      sb.append('\n');
    }
    for (Output o : outputs) {
      sb.append("output ").append(o.name()).append(" = %").append(o.node().id()).append('\n');
    }
    return sb.toString();
  }

  /** Shapes of the outputs, in order. */
  public List<Shape> outputShapes() {
    return outputs.stream().map(o -> o.node().shape()).toList();
  }
}
