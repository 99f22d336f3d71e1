package io.batchjac.engine.onnx;

import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import java.util.Arrays;
import java.util.Map;

/**
 * ONNX operators that contract or reduce axes: Gemm, MatMul, ReduceSum, ReduceMean, Softmax,
 * LogSoftmax and BatchNormalization (inference mode). A per-sample vector times a weight matrix
 * becomes {@code W @ x} with the (constant, folded once) transposed weight on the left, the
 * layout in which the engine runs one GEMM per panel of samples. Softmax is
 * {@code exp(x) / sum(exp(x))} (no max shift: inputs above about 700 overflow).
 */
final class LinearOps {
  private LinearOps() {}

  static void register(Map<String, Operators.Importer> t) {
    t.put("Gemm", LinearOps::gemm);
    t.put("MatMul", c -> matmul(c, c.in(0), c.in(1)));
    t.put("ReduceSum", c -> reduce(c, false));
    t.put("ReduceMean", c -> reduce(c, true));
    t.put("Softmax", c -> softmax(c, false));
    t.put("LogSoftmax", c -> softmax(c, true));
    t.put("BatchNormalization", LinearOps::batchNorm);
  }

  /** {@code alpha * A' @ B' + beta * C} with {@code A'}, {@code B'} optionally transposed. */
  private static Node gemm(NodeContext c) {
    GraphBuilder b = c.b();
    Node a = c.in(0);
    Node w = c.in(1);
    boolean transB = c.attrInt("transB", 0) != 0;
    Node y;
    if (a.batched() && NodeContext.rank(a) == 2 && !w.batched() && c.attrInt("transA", 0) == 0) {
      y = b.matmul(transB ? w : b.transpose(w), a); // the usual layer: W @ x per sample, PyTorch's weight as stored
    } else {
      y = matmul(c, transposed(c, a, c.attrInt("transA", 0) != 0, "transA"), transposed(c, w, transB, "transB"));
    }
    return gemmScaleAndBias(c, y);
  }

  /** {@code x}, or its transpose when {@code trans} (refused when it would move the batch axis). */
  private static Node transposed(NodeContext c, Node x, boolean trans, String attr) {
    if (!trans) {
      return x;
    }
    if (x.batched()) {
      throw c.refuse(attr + " = 1 on an operand that depends on the inputs would move the batch axis");
    }
    return c.b().transpose(x);
  }

  /** {@code alpha * y + beta * C}. */
  private static Node gemmScaleAndBias(NodeContext c, Node product) {
    GraphBuilder b = c.b();
    Node y = product;
    double alpha = c.attrFloat("alpha", 1);
    if (alpha != 1) {
      y = b.mul(b.scalar(alpha), y);
    }
    if (c.has(2)) {
      Node bias = c.in(2);
      double beta = c.attrFloat("beta", 1);
      if (beta != 1) {
        bias = b.mul(b.scalar(beta), bias);
      }
      Node[] x = c.broadcast(y, bias);
      y = b.add(x[0], x[1]);
    }
    return y;
  }

  /**
   * NumPy's matmul on ONNX values. Per sample: a batched {@code [B, K]} times a constant
   * {@code [K, N]} is {@code W^T @ x}; batched operands of rank 3 or more multiply their
   * per-sample matrices (the batch is a stacking axis); a batched operand whose batch axis would
   * be a row or contracted axis of the other is refused.
   */
  private static Node matmul(NodeContext c, Node x, Node y) {
    GraphBuilder b = c.b();
    int rx = NodeContext.rank(x);
    int ry = NodeContext.rank(y);
    if (!x.batched() && !y.batched()) {
      return b.matmul(x, y);
    }
    if (x.batched() && !y.batched()) {
      if (rx == 2 && ry == 2) {
        return b.matmul(b.transpose(y), x); // rows are samples: y^T @ x per sample
      }
      if (rx == 2 && ry == 1) {
        return b.matmul(x, y); // a dot product per sample
      }
      if (rx >= 3 && ry <= rx - 1) {
        return b.matmul(x, y); // per-sample (..., M, K) @ (K, N) or a stacked constant without the batch axis
      }
    }
    if (!x.batched() && y.batched() && ry >= 3 && rx <= ry - 1) {
      return b.matmul(x, y);
    }
    if (x.batched() && y.batched() && rx == ry && rx >= 3) {
      return b.matmul(x, y);
    }
    throw c.refuse("operands of ranks " + rx + " and " + ry + (x.batched() ? " (the first" : " (the second")
        + (x.batched() && y.batched() ? " and the second" : "") + " depending on the inputs, batch axis first): "
        + "the product would contract or mix the batch axis");
  }

  /** ReduceSum / ReduceMean: axes from the input (ReduceSum from opset 13) or the attribute. */
  private static Node reduce(NodeContext c, boolean mean) {
    GraphBuilder b = c.b();
    Node x = c.in(0);
    long[] axes = c.has(1) ? c.ints(1, "axes") : c.attrInts("axes");
    boolean keep = c.attrInt("keepdims", 1) != 0;
    if (axes == null || axes.length == 0) {
      if (c.attrInt("noop_with_empty_axes", 0) != 0) {
        return x;
      }
      axes = new long[NodeContext.rank(x)];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
    }
    int[] ax = new int[axes.length];
    long count = 1;
    for (int i = 0; i < axes.length; i++) {
      ax[i] = c.axis(x, axes[i], mean ? "a mean" : "a sum");
      count *= x.shape().dim(ax[i]);
    }
    Node y = b.sum(x, ax);
    if (mean) {
      y = b.div(y, b.scalar(count));
    }
    return keep ? b.reshape(y, keptDims(x.shape(), ax)) : y;
  }

  /** {@code s} with the axes {@code ax} set to 1. */
  private static Shape keptDims(Shape s, int[] ax) {
    int[] d = s.dims();
    for (int a : ax) {
      d[a] = 1;
    }
    return Shape.of(d);
  }

  /** Softmax over one axis (opset 13 on) or over all axes from {@code axis} on (before 13). */
  private static Node softmax(NodeContext c, boolean log) {
    GraphBuilder b = c.b();
    Node x = c.in(0);
    int r = NodeContext.rank(x);
    long axis = c.attrInt("axis", c.opset() >= 13 ? -1 : 1);
    int first = c.axis(x, axis, "a softmax");
    int[] ax = c.opset() >= 13 ? new int[] {first}
        : java.util.stream.IntStream.range(first, x.shape().rank()).toArray();
    if (ax.length == 0) {
      throw c.refuse("axis " + axis + " leaves nothing to normalize over for a value of rank " + r);
    }
    Node e = b.exp(x);
    Node s = b.reshape(b.sum(e, ax), keptDims(x.shape(), ax));
    return log ? b.sub(x, b.log(s)) : b.div(e, s);
  }

  /**
   * Inference-mode batch normalization, per sample {@code (x - mean) * scale / sqrt(var + eps) + B}
   * over channel axis 1; training mode normalizes with the batch's statistics and is refused.
   */
  private static Node batchNorm(NodeContext c) {
    GraphBuilder b = c.b();
    if (c.attrInt("training_mode", 0) != 0) {
      throw c.refuse("training mode normalizes with statistics computed over the batch, which mixes samples; "
          + "export the model in eval mode (model.eval())");
    }
    Node x = c.in(0);
    int channel = c.axis(x, 1, "normalizing");
    int[] statDims = new int[x.shape().rank() - channel];
    Arrays.fill(statDims, 1);
    statDims[0] = x.shape().dim(channel);
    Shape stat = Shape.of(statDims);
    Node scale = b.reshape(c.in(1), stat);
    Node shift = b.reshape(c.in(2), stat);
    Node mean = b.reshape(c.in(3), stat);
    Node var = b.reshape(c.in(4), stat);
    Node inv = b.div(scale, b.sqrt(b.add(var, b.scalar(c.attrFloat("epsilon", 1e-5)))));
    return b.add(b.mul(b.sub(x, mean), inv), shift);
  }
}
