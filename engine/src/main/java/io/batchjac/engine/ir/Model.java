package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A per-sample function (a loaded ONNX model, a {@code .fn} file, any {@link Graph}) made callable
 * inside another graph under construction: {@code model net = load("u.onnx")} and
 * {@code net(x, t)} of the function language, or from Java:
 *
 * <pre>{@code
 * GraphBuilder b = new GraphBuilder();
 * Model net = b.model("net", OnnxImporter.importFile(Path.of("u.onnx")).graph());
 * Node x = b.input("x", Shape.of(4));
 * b.output("r", b.sumAll(b.sub(net.call(x), net.call(b.mul(x, b.scalar(2))))));
 * }</pre>
 *
 * <p>Contracts:
 * <ul>
 *   <li>Parameters: {@link #declare} creates, once, a param {@code NAME.P} of the builder for each
 *       param {@code P} of the model's graph, in the graph's order and with its value. Every call
 *       reads these same nodes, so a model called twice shares its weights and derivatives with
 *       respect to {@code NAME.P} add up over the calls.
 *   <li>Arguments: {@link #call} takes one node per model input, in the model's declaration order,
 *       each of exactly that input's shape (no broadcasting). The model's inputs' distributions
 *       are not used.
 *   <li>Result: a model with one output returns that output with its shape; a model with several
 *       returns them flattened row-major and concatenated in output order (shape {@code [M]}).
 *   <li>Each call is an inline copy of the model's computation ({@link Inline}): the caller's
 *       graph contains no call nodes, so every transformation and the executor see plain
 *       operations.
 * </ul>
 */
public final class Model {
  private final GraphBuilder builder;
  private final String name;
  private final Graph graph;
  /** Each param of the model's graph -> the caller's param {@code NAME.P}. */
  private final Map<Node, Node> params;

  private Model(GraphBuilder builder, String name, Graph graph, Map<Node, Node> params) {
    this.builder = builder;
    this.name = name;
    this.graph = graph;
    this.params = params;
  }

  /**
   * Declares {@code graph} as model {@code name} of {@code b}, creating its params
   * {@code name.P} in {@code b} now.
   *
   * @throws IllegalArgumentException when a param {@code name.P} clashes with a name of {@code b}
   */
  public static Model declare(GraphBuilder b, String name, Graph graph) {
    Map<Node, Node> params = new LinkedHashMap<>();
    for (Node p : graph.params()) {
      params.put(p, b.param(paramName(name, p.name()), p.value()));
    }
    return new Model(b, name, graph, params);
  }

  /** The name under which the caller sees model {@code model}'s param {@code param}: {@code model.param}. */
  public static String paramName(String model, String param) {
    return model + "." + param;
  }

  public String name() {
    return name;
  }

  /** The model's own graph (its inputs, params and outputs under their own names). */
  public Graph graph() {
    return graph;
  }

  /** The caller's params of this model ({@code NAME.P}), in the model's order. */
  public List<Node> params() {
    return List.copyOf(params.values());
  }

  /** The caller's param {@code NAME.P} for the model's param named {@code param}, or null. */
  public Node param(String param) {
    for (Map.Entry<Node, Node> e : params.entrySet()) {
      if (e.getKey().name().equals(param)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** The model's inputs as a call signature, e.g. {@code net(x[4], t)}. */
  public String signature() {
    StringBuilder sb = new StringBuilder(name).append('(');
    for (int i = 0; i < graph.inputs().size(); i++) {
      Node in = graph.inputs().get(i);
      sb.append(i > 0 ? ", " : "").append(in.name());
      if (in.shape().rank() > 0) {
        sb.append(in.shape());
      }
    }
    return sb.append(')').toString();
  }

  /** The shape {@link #call} returns: the one output's shape, or {@code [M]}. */
  public Shape resultShape() {
    List<Graph.Output> outs = graph.outputs();
    return outs.size() == 1 ? outs.get(0).node().shape() : Shape.of(graph.outputSize());
  }

  /**
   * The model applied to {@code args} (nodes of the builder it was declared in), one per input in
   * order.
   *
   * @throws IllegalArgumentException when the number of arguments differs from the number of
   *     inputs
   * @throws ShapeException when an argument's shape differs from its input's (both shapes named)
   */
  public Node call(Node... args) {
    List<Node> inputs = graph.inputs();
    if (args.length != inputs.size()) {
      throw new IllegalArgumentException("model '" + name + "' takes " + inputs.size()
          + (inputs.size() == 1 ? " input" : " inputs") + " (" + signature() + ") but was called with "
          + args.length + (args.length == 1 ? " argument" : " arguments"));
    }
    Map<Node, Node> leaves = new LinkedHashMap<>(params);
    for (int i = 0; i < args.length; i++) {
      Node in = inputs.get(i);
      if (!args[i].shape().equals(in.shape())) {
        throw new ShapeException("model '" + name + "': argument " + (i + 1) + " (input '" + in.name()
            + "' of " + signature() + ") must have shape " + in.shape() + " but has shape " + args[i].shape());
      }
      leaves.put(in, args[i]);
    }
    Map<Node, Node> copy = Inline.copy(graph, builder, leaves);
    List<Graph.Output> outs = graph.outputs();
    if (outs.size() == 1) {
      return copy.get(outs.get(0).node());
    }
    List<Node> flat = new ArrayList<>();
    for (Graph.Output o : outs) {
      Node y = copy.get(o.node());
      flat.add(builder.reshape(y, Shape.of(y.shape().size())));
    }
    return builder.concat(0, flat.toArray(new Node[0]));
  }
}
