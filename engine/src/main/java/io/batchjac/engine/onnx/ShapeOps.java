package io.batchjac.engine.onnx;

import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * ONNX operators that move elements without arithmetic: Reshape, Flatten, Transpose, Concat,
 * Slice, Gather (constant indices), Unsqueeze, Squeeze and Shape. Shapes, axes, starts, ends and
 * indices must be constants. On a value that depends on the inputs, each must keep the batch
 * axis first and untouched; otherwise the node is refused.
 */
final class ShapeOps {
  private ShapeOps() {}

  private static final long END = Integer.MAX_VALUE;

  /**
   * What {@code Shape} yields for the batch axis, whose size is not known at import: -2^50, exact
   * in float64 and no real dimension. It may travel through the operators of
   * {@link #MOVES_BATCH_SIZE} (as in PyTorch's {@code x.view(x.size(0), -1)}) and must end as the
   * first entry of a Reshape's target shape, where it means "the batch axis".
   */
  static final double BATCH_SIZE = -1125899906842624.0;

  /** The operators that may carry {@link #BATCH_SIZE} (they copy values without arithmetic). */
  static final java.util.Set<String> MOVES_BATCH_SIZE = java.util.Set.of("Shape", "Gather", "Unsqueeze",
      "Squeeze", "Concat", "Slice", "Identity", "Cast", "Reshape");

  /** True for a constant holding {@link #BATCH_SIZE}. */
  static boolean holdsBatchSize(Node n) {
    if (n.kind() != Node.Kind.CONSTANT) {
      return false;
    }
    for (double v : n.value().data()) {
      if (v == BATCH_SIZE) {
        return true;
      }
    }
    return false;
  }

  static void register(Map<String, Operators.Importer> t) {
    t.put("Reshape", ShapeOps::reshape);
    t.put("Flatten", ShapeOps::flatten);
    t.put("Transpose", ShapeOps::transpose);
    t.put("Concat", ShapeOps::concat);
    t.put("Slice", ShapeOps::slice);
    t.put("Gather", ShapeOps::gather);
    t.put("Unsqueeze", ShapeOps::unsqueeze);
    t.put("Squeeze", ShapeOps::squeeze);
    t.put("Shape", ShapeOps::shape);
  }

  /** The dimensions of a value; the batch axis's is {@link #BATCH_SIZE}. {@code start}/{@code end} from opset 15. */
  private static Node shape(NodeContext c) {
    long[] dims = NodeContext.onnxDims(c.in(0));
    int r = dims.length;
    long start = c.attrInt("start", 0);
    long end = c.attrInt("end", r);
    int s = (int) Math.max(0, Math.min(r, start < 0 ? start + r : start));
    int e = (int) Math.max(s, Math.min(r, end < 0 ? end + r : end));
    double[] v = new double[e - s];
    for (int i = s; i < e; i++) {
      v[i - s] = dims[i] < 0 ? BATCH_SIZE : dims[i];
    }
    return c.b().constant(io.batchjac.engine.tensor.Tensor.vector(v));
  }

  /**
   * Reshape to a constant shape (0 copies the input's dimension unless {@code allowzero}, one -1
   * is inferred). On a batched value the target must start with the batch axis (0, -1 or the
   * exported batch size) followed by dimensions holding exactly one sample.
   */
  private static Node reshape(NodeContext c) {
    Node x = c.in(0);
    long[] target = c.ints(1, "shape").clone();
    long[] in = NodeContext.onnxDims(x);
    boolean allowZero = c.attrInt("allowzero", 0) != 0;
    for (int i = 0; i < target.length; i++) {
      if (target[i] == (long) BATCH_SIZE) {
        if (i != 0 || !x.batched()) {
          throw c.refuse("the batch size (from Shape) is entry " + i + " of the target shape; it can only be "
              + "the first entry when reshaping a value that depends on the inputs");
        }
        target[i] = Long.MIN_VALUE;
        continue;
      }
      if (target[i] == 0 && !allowZero) {
        if (i >= in.length) {
          throw c.refuse("shape entry " + i + " is 0 (copy) but the input has rank " + in.length);
        }
        target[i] = in[i] < 0 ? Long.MIN_VALUE : in[i]; // MIN_VALUE marks the copied batch axis
      }
    }
    if (!x.batched()) {
      return c.b().reshape(x, Shape.of(infer(c, target, x.shape().size(), 0)));
    }
    String shown = Arrays.toString(c.ints(1, "shape")).replace(String.valueOf((long) BATCH_SIZE), "batch");
    if (target.length == 0) {
      throw c.refuse("reshaping to a scalar would drop the batch axis");
    }
    long[] rest = Arrays.copyOfRange(target, 1, target.length);
    long first = target[0];
    boolean keepsBatch = first == Long.MIN_VALUE || (first == -1 && restFits(rest, x.shape().size()))
        || (first > 0 && first == c.exportBatch());
    if (!keepsBatch) {
      throw c.refuse("reshaping to " + shown + " moves the batch axis: the target must be "
          + "[batch, ...] with the remaining dimensions holding one sample's " + x.shape().size() + " values");
    }
    return c.b().reshape(x, Shape.of(infer(c, rest, x.shape().size(), 1)));
  }

  private static boolean restFits(long[] rest, int size) {
    long p = 1;
    for (long d : rest) {
      if (d < 0) {
        return false;
      }
      p *= d;
    }
    return p == size;
  }

  /** Dimensions with one -1 inferred so that they hold {@code size} values. */
  private static int[] infer(NodeContext c, long[] dims, int size, int offset) {
    int[] d = new int[dims.length];
    int unknown = -1;
    long known = 1;
    for (int i = 0; i < dims.length; i++) {
      if (dims[i] == -1 && unknown < 0) {
        unknown = i;
      } else if (dims[i] < 0) {
        throw c.refuse("shape entry " + (i + offset) + " is " + dims[i] + (dims[i] == Long.MIN_VALUE
            ? " (a copy of the batch axis) in a position other than the first" : ""));
      } else {
        d[i] = Math.toIntExact(dims[i]);
        known *= dims[i];
      }
    }
    if (unknown >= 0) {
      if (known == 0 || size % known != 0) {
        throw c.refuse("cannot infer the -1 of the target shape: " + size + " values per sample do not divide by " + known);
      }
      d[unknown] = (int) (size / known);
    } else if (known != size) {
      throw c.refuse("the target shape holds " + known + " values but the input has " + size + " per sample");
    }
    return d;
  }

  /** Flatten to 2-D at {@code axis}: on a batched value only axis 1 (or later axes over size-1 dimensions). */
  private static Node flatten(NodeContext c) {
    Node x = c.in(0);
    int r = NodeContext.rank(x);
    long axis = c.attrInt("axis", 1);
    long a = axis < 0 ? axis + r : axis;
    if (a < 0 || a > r) {
      throw c.refuse("axis " + axis + " is out of range for a value of rank " + r);
    }
    if (!x.batched()) {
      int[] d = x.shape().dims();
      long lead = 1;
      for (int i = 0; i < a; i++) {
        lead *= d[i];
      }
      return c.b().reshape(x, Shape.of((int) lead, (int) (x.shape().size() / lead)));
    }
    long between = 1;
    for (int i = 0; i < a - 1; i++) {
      between *= x.shape().dim(i);
    }
    if (a == 0 || between != 1) {
      throw c.refuse("flattening at axis " + axis + " merges the batch axis with other axes");
    }
    return c.b().reshape(x, Shape.of(x.shape().size()));
  }

  /** Transpose: on a batched value the permutation must keep axis 0 first. */
  private static Node transpose(NodeContext c) {
    Node x = c.in(0);
    int r = NodeContext.rank(x);
    long[] perm = c.attrInts("perm");
    if (perm == null || perm.length == 0) {
      perm = new long[r];
      for (int i = 0; i < r; i++) {
        perm[i] = r - 1 - i;
      }
    }
    if (perm.length != r) {
      throw c.refuse("perm " + Arrays.toString(perm) + " does not fit a value of rank " + r);
    }
    if (!x.batched()) {
      return c.b().transpose(x, Arrays.stream(perm).mapToInt(Math::toIntExact).toArray());
    }
    if (perm[0] != 0) {
      throw c.refuse("perm " + Arrays.toString(perm) + " moves the batch axis (axis 0 must stay first)");
    }
    int[] p = new int[r - 1];
    for (int i = 1; i < r; i++) {
      p[i - 1] = Math.toIntExact(perm[i]) - 1;
    }
    return c.b().transpose(x, p);
  }

  /** Concat: all operands depend on the inputs (joined per sample, not on axis 0), or none does. */
  private static Node concat(NodeContext c) {
    Node[] xs = c.ins();
    int batched = 0;
    for (Node x : xs) {
      batched += x.batched() ? 1 : 0;
    }
    if (batched != 0 && batched != xs.length) {
      throw c.refuse("joins values that depend on the inputs with constants; a constant has no batch axis to join along");
    }
    int ax = c.axis(xs[0], c.attrInt("axis", 0), "joining");
    for (Node x : xs) {
      if (x.shape().rank() != xs[0].shape().rank()) {
        throw c.refuse("operands have different ranks: " + xs[0].shape() + " and " + x.shape());
      }
    }
    return c.b().concat(ax, xs);
  }

  /** Slice with constant starts, ends, axes and steps; the batch axis may only be taken whole. */
  private static Node slice(NodeContext c) {
    Node x = c.in(0);
    int r = NodeContext.rank(x);
    long[] starts;
    long[] ends;
    long[] axes;
    long[] steps = null;
    if (c.opset() >= 10) {
      starts = c.ints(1, "starts");
      ends = c.ints(2, "ends");
      axes = c.has(3) ? c.ints(3, "axes") : null;
      steps = c.has(4) ? c.ints(4, "steps") : null;
    } else {
      starts = c.attrInts("starts");
      ends = c.attrInts("ends");
      axes = c.attrInts("axes");
    }
    if (starts == null || ends == null || starts.length != ends.length) {
      throw c.refuse("starts and ends must be given with one entry per sliced axis");
    }
    if (axes == null) {
      axes = new long[starts.length];
      for (int i = 0; i < axes.length; i++) {
        axes[i] = i;
      }
    }
    Node y = x;
    for (int i = 0; i < starts.length; i++) {
      long step = steps == null ? 1 : steps[i];
      long a = axes[i] < 0 ? axes[i] + r : axes[i];
      if (x.batched() && a == 0) {
        if (starts[i] == 0 && ends[i] >= END && step == 1) {
          continue; // the whole batch axis
        }
        throw c.refuse("slicing axis 0, the batch axis, would select samples");
      }
      int ax = c.axis(x, axes[i], "slicing");
      y = sliceAxis(c, y, ax, starts[i], ends[i], step);
    }
    return y;
  }

  /** {@code x[start:end:step]} on engine axis {@code ax} with ONNX's clamping rules. */
  private static Node sliceAxis(NodeContext c, Node x, int ax, long start, long end, long step) {
    int dim = x.shape().dim(ax);
    if (step == 0) {
      throw c.refuse("a slice step of 0");
    }
    long s = start < 0 ? start + dim : start;
    long e = end < 0 ? end + dim : end;
    if (step > 0) {
      s = Math.max(0, Math.min(s, dim));
      e = Math.max(0, Math.min(e, dim));
    } else {
      s = Math.max(-1, Math.min(s, dim - 1));
      e = Math.max(-1, Math.min(e, dim - 1));
    }
    List<Integer> idx = new ArrayList<>();
    for (long i = s; step > 0 ? i < e : i > e; i += step) {
      idx.add((int) i);
    }
    if (idx.isEmpty()) {
      throw c.refuse("the slice [" + start + ":" + end + ":" + step + "] of an axis of length " + dim + " is empty");
    }
    if (step == 1) {
      return c.b().sliceAxis(x, ax, idx.get(0), idx.get(idx.size() - 1) + 1);
    }
    return take(c.b(), x, ax, idx);
  }

  /** The elements at positions {@code idx} of engine axis {@code ax}, in that order (the axis kept). */
  private static Node take(GraphBuilder b, Node x, int ax, List<Integer> idx) {
    Node[] parts = new Node[idx.size()];
    for (int k = 0; k < parts.length; k++) {
      parts[k] = b.sliceAxis(x, ax, idx.get(k), idx.get(k) + 1);
    }
    return b.concat(ax, parts);
  }

  /** Gather along an axis at constant indices: shape {@code data[:axis] + indices + data[axis+1:]}. */
  private static Node gather(NodeContext c) {
    Node x = c.in(0);
    if (c.in(1).batched()) {
      throw c.refuse("the indices depend on the inputs; only constant indices are supported");
    }
    Shape ishape = c.constant(1, "indices").shape();
    long[] indices = c.ints(1, "indices");
    int ax = c.axis(x, c.attrInt("axis", 0), "gathering");
    int dim = x.shape().dim(ax);
    List<Integer> idx = new ArrayList<>();
    for (long i : indices) {
      long j = i < 0 ? i + dim : i;
      if (j < 0 || j >= dim) {
        throw c.refuse("index " + i + " is out of range for an axis of length " + dim);
      }
      idx.add((int) j);
    }
    GraphBuilder b = c.b();
    if (ishape.rank() == 0) {
      return b.index(x, ax, idx.get(0));
    }
    Node taken = take(b, x, ax, idx);
    int[] d = x.shape().dims();
    int[] out = new int[d.length - 1 + ishape.rank()];
    int k = 0;
    for (int i = 0; i < ax; i++) {
      out[k++] = d[i];
    }
    for (int i = 0; i < ishape.rank(); i++) {
      out[k++] = ishape.dim(i);
    }
    for (int i = ax + 1; i < d.length; i++) {
      out[k++] = d[i];
    }
    return b.reshape(taken, Shape.of(out));
  }

  /** Unsqueeze: inserts axes of length 1 (axes counted in the output; not before the batch axis). */
  private static Node unsqueeze(NodeContext c) {
    Node x = c.in(0);
    long[] axes = c.opset() >= 13 ? c.ints(1, "axes") : c.attrInts("axes");
    if (axes == null) {
      throw c.refuse("the axes are missing");
    }
    long[] in = NodeContext.onnxDims(x);
    int r = in.length + axes.length;
    boolean[] inserted = new boolean[r];
    for (long axis : axes) {
      long a = axis < 0 ? axis + r : axis;
      if (a < 0 || a >= r || inserted[(int) a]) {
        throw c.refuse("axes " + Arrays.toString(axes) + " do not fit an output of rank " + r);
      }
      if (a == 0 && x.batched()) {
        throw c.refuse("inserting an axis before the batch axis would move it");
      }
      inserted[(int) a] = true;
    }
    long[] out = new long[r];
    for (int i = 0, j = 0; i < r; i++) {
      out[i] = inserted[i] ? 1 : in[j++];
    }
    return c.reshapeOnnx(x, out);
  }

  /** Squeeze: removes the given axes of length 1 (all per-sample axes of length 1 when none are given). */
  private static Node squeeze(NodeContext c) {
    Node x = c.in(0);
    long[] axes = c.opset() >= 13 ? (c.has(1) ? c.ints(1, "axes") : null) : c.attrInts("axes");
    long[] in = NodeContext.onnxDims(x);
    boolean[] drop = new boolean[in.length];
    if (axes == null || axes.length == 0) {
      for (int i = x.batched() ? 1 : 0; i < in.length; i++) {
        drop[i] = in[i] == 1;
      }
    } else {
      for (long axis : axes) {
        int a = c.axis(x, axis, "squeezing") + (x.batched() ? 1 : 0);
        if (in[a] != 1) {
          throw c.refuse("axis " + axis + " has length " + in[a] + ", not 1");
        }
        drop[a] = true;
      }
    }
    long[] out = new long[in.length];
    int n = 0;
    for (int i = 0; i < in.length; i++) {
      if (!drop[i]) {
        out[n++] = in[i];
      }
    }
    return c.reshapeOnnx(x, Arrays.copyOf(out, n));
  }
}
