package io.batchjac.engine.onnx;

import io.batchjac.engine.exec.Binding;
import io.batchjac.engine.exec.Executor;
import io.batchjac.engine.exec.Plan;
import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.onnx.proto.OnnxModel.NodeProto;
import io.batchjac.engine.tensor.Tensor;
import java.util.HashMap;
import java.util.Map;

/**
 * Evaluates at import a node whose operands are all constants (not parameters, not inputs), so
 * that shapes, axes and indices computed from constants ({@code Shape -> Gather -> Unsqueeze ->
 * Concat -> Reshape}, a {@code Cast} of a constant, ...) are constants for the nodes that need
 * them. The node is imported into a scratch graph with the same {@link Operators.Importer} and run
 * by the engine's own kernels on one (dummy) sample, so folding computes exactly what the graph
 * would.
 */
final class ConstantFolding {
  private ConstantFolding() {}

  private static final Executor ONE_THREAD = new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES);

  /** True when every given operand of {@code n} is a constant node. */
  static boolean foldable(NodeProto n, Map<String, Node> values) {
    if (n.getInputCount() == 0) {
      return false;
    }
    for (String in : n.getInputList()) {
      Node v = in.isEmpty() ? null : values.get(in);
      if (!in.isEmpty() && (v == null || v.kind() != Node.Kind.CONSTANT)) {
        return false;
      }
    }
    return true;
  }

  /** The value of the (foldable) node, as a constant of {@code into}. */
  static Node fold(NodeProto n, Operators.Importer op, GraphBuilder into, Map<String, Node> values, long opset,
      String file, long exportBatch) {
    GraphBuilder scratch = new GraphBuilder();
    Node dummy = scratch.input("sample", io.batchjac.engine.tensor.Shape.SCALAR);
    Map<String, Node> local = new HashMap<>();
    for (String in : n.getInputList()) {
      if (!in.isEmpty()) {
        local.put(in, scratch.constant(values.get(in).value()));
      }
    }
    Node r = op.apply(new NodeContext(n, scratch, local, opset, file, exportBatch));
    if (r.kind() == Node.Kind.CONSTANT) {
      return into.constant(r.value());
    }
    scratch.output("value", r);
    scratch.output("sample", dummy);
    Plan plan = Plan.compile(scratch.build());
    int size = r.shape().size();
    double[] out = new double[size];
    double[] ignored = new double[1];
    ONE_THREAD.run(plan, 1, new Binding[] {Binding.contiguous(new double[1], 0, 1, 1)},
        new Binding[] {Binding.contiguous(out, 0, size, size), Binding.contiguous(ignored, 0, 1, 1)});
    return into.constant(Tensor.of(r.shape(), out));
  }
}
