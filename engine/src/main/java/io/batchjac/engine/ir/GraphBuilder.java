package io.batchjac.engine.ir;

import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Builds a per-sample {@link Graph} from Java code, one operation at a time (the function
 * language's parser and the AD transformations use it too). Every method checks shapes and
 * throws {@link ShapeException} with both shapes when they do not fit. Elementwise operations
 * broadcast like NumPy; {@link #matmul} promotes vectors like NumPy's {@code @}.
 *
 * <pre>{@code
 * GraphBuilder b = new GraphBuilder();
 * Node x = b.input("x", Shape.of(16));
 * Node w = b.param("W", Tensor.of(Shape.of(8, 16), weights));
 * b.output("y", b.tanh(b.matmul(w, x)));
 * Graph f = b.build();
 * }</pre>
 */
public final class GraphBuilder {
  private final List<Node> nodes = new ArrayList<>();
  private final List<Node> inputs = new ArrayList<>();
  private final List<Node> params = new ArrayList<>();
  private final List<Graph.Output> outputs = new ArrayList<>();
  private final Set<String> names = new HashSet<>();

  // ---------------------------------------------------------------- leaves

  /** A per-sample input of the given shape (declaration order defines the flattened layout). */
  public Node input(String name, Shape shape) {
    return input(name, shape, null);
  }

  /** A per-sample input with a distribution to draw samples from. */
  public Node input(String name, Shape shape, Distribution distribution) {
    claim(name);
    Node n = new Node(nodes.size(), Node.Kind.INPUT, null, new Node[0], shape, true, name, null, distribution);
    nodes.add(n);
    inputs.add(n);
    return n;
  }

  /** A named sample-independent tensor (model weights); can be differentiated with respect to. */
  public Node param(String name, Tensor value) {
    claim(name);
    Node n = new Node(nodes.size(), Node.Kind.PARAM, null, new Node[0], value.shape(), false, name, value.toC(), null);
    nodes.add(n);
    params.add(n);
    return n;
  }

  /** An anonymous constant tensor. */
  public Node constant(Tensor value) {
    Node n = new Node(nodes.size(), Node.Kind.CONSTANT, null, new Node[0], value.shape(), false, null, value.toC(), null);
    nodes.add(n);
    return n;
  }

  /** A scalar constant. */
  public Node scalar(double v) {
    return constant(Tensor.scalar(v));
  }

  private void claim(String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("inputs and params need a name");
    }
    if (!names.add(name)) {
      throw new IllegalArgumentException("'" + name + "' is already defined");
    }
  }

  /** Declares an output; outputs are flattened and concatenated in declaration order. */
  public void output(String name, Node value) {
    for (Graph.Output o : outputs) {
      if (o.name().equals(name)) {
        throw new IllegalArgumentException("output '" + name + "' is already defined");
      }
    }
    outputs.add(new Graph.Output(name, value));
  }

  /** The graph built so far. */
  public Graph build() {
    if (outputs.isEmpty()) {
      throw new IllegalStateException("the function has no output");
    }
    return new Graph(nodes, inputs, params, outputs);
  }

  /**
   * Makes {@code graph} callable in this builder as model {@code name}: its params become params
   * {@code name.P} of this builder now, and {@link Model#call} inlines it (see {@link Model}).
   */
  public Model model(String name, Graph graph) {
    return Model.declare(this, name, graph);
  }

  // ---------------------------------------------------------------- primitives

  /** Applies a primitive (shape-checked). Prefer the named methods below. */
  public Node apply(Op op, Node... args) {
    Shape[] shapes = new Shape[args.length];
    boolean batched = false;
    for (int i = 0; i < args.length; i++) {
      if (args[i] == null) {
        throw new IllegalArgumentException(op.name() + ": operand " + i + " is null");
      }
      shapes[i] = args[i].shape();
      batched |= args[i].batched();
    }
    Shape s = op.shape(shapes);
    Node n = new Node(nodes.size(), Node.Kind.OP, op, args.clone(), s, batched, null, null, null);
    nodes.add(n);
    return n;
  }

  /** The elementwise unary primitive of that name ({@code sin}, {@code tanh}, ...). */
  public Node unary(String name, Node x) {
    Unary u = Elementwise.unary(name);
    if (u == null) {
      throw new IllegalArgumentException("unknown elementwise function '" + name + "'");
    }
    return apply(u, x);
  }

  /** The elementwise binary primitive of that name ({@code +}, {@code atan2}, ...). */
  public Node binary(String name, Node x, Node y) {
    Binary op = Elementwise.binary(name);
    if (op == null) {
      throw new IllegalArgumentException("unknown elementwise function '" + name + "'");
    }
    return apply(op, x, y);
  }

  public Node neg(Node x) {
    return apply(Elementwise.NEG, x);
  }

  public Node exp(Node x) {
    return apply(Elementwise.EXP, x);
  }

  public Node log(Node x) {
    return apply(Elementwise.LOG, x);
  }

  public Node sin(Node x) {
    return apply(Elementwise.SIN, x);
  }

  public Node cos(Node x) {
    return apply(Elementwise.COS, x);
  }

  public Node sinh(Node x) {
    return apply(Elementwise.SINH, x);
  }

  public Node cosh(Node x) {
    return apply(Elementwise.COSH, x);
  }

  public Node tanh(Node x) {
    return apply(Elementwise.TANH, x);
  }

  public Node sqrt(Node x) {
    return apply(Elementwise.SQRT, x);
  }

  public Node sign(Node x) {
    return apply(Elementwise.SIGN, x);
  }

  public Node sigmoid(Node x) {
    return apply(Elementwise.SIGMOID, x);
  }

  /**
   * {@code x + y}; adding a negation subtracts (x + (-z) and x - z are the same bits). The sum
   * of two pads into the same shape whose windows differ along one axis
   * only and do not overlap (what reverse mode accumulates for the slices {@code x[0]},
   * {@code x[1]}, ... of one input) becomes one pad of their concatenation, zeros between: one
   * copy per sample instead of a pad and a sum per piece.
   */
  public Node add(Node x, Node y) {
    Node joined = joinDisjointPads(x, y);
    if (joined != null) {
      return joined;
    }
    Shape out = Shape.broadcastOrNull(x.shape(), y.shape());
    if (out != null && y.op() == Elementwise.NEG && out.equals(Shape.broadcastOrNull(x.shape(), y.arg(0).shape()))) {
      return apply(Elementwise.SUB, x, y.arg(0)); // x + (-z) is x - z, bit for bit
    }
    if (out != null && x.op() == Elementwise.NEG && out.equals(Shape.broadcastOrNull(x.arg(0).shape(), y.shape()))) {
      return apply(Elementwise.SUB, y, x.arg(0));
    }
    return apply(Elementwise.ADD, x, y);
  }

  private Node joinDisjointPads(Node x, Node y) {
    if (!(x.op() instanceof Pad px) || !(y.op() instanceof Pad py) || !x.shape().equals(y.shape())) {
      return null;
    }
    int[] sx = px.start();
    int[] sy = py.start();
    Shape ex = x.arg(0).shape();
    Shape ey = y.arg(0).shape();
    int axis = -1;
    for (int a = 0; a < sx.length; a++) {
      if (sx[a] != sy[a] || ex.dim(a) != ey.dim(a)) {
        if (axis >= 0) {
          return null; // the windows differ along two axes
        }
        axis = a;
      }
    }
    if (axis < 0) {
      return null; // the same window: an ordinary sum
    }
    boolean xFirst = sx[axis] < sy[axis];
    Node lo = xFirst ? x : y;
    Node hi = xFirst ? y : x;
    int[] start = xFirst ? sx : sy;
    int loEnd = start[axis] + lo.arg(0).shape().dim(axis);
    int hiStart = (xFirst ? sy : sx)[axis];
    if (loEnd > hiStart) {
      return null; // overlapping windows
    }
    List<Node> pieces = new ArrayList<>();
    addPieces(pieces, lo.arg(0), axis);
    if (hiStart > loEnd) {
      int[] gap = lo.arg(0).shape().dims();
      gap[axis] = hiStart - loEnd;
      pieces.add(constant(Tensor.zeros(Shape.of(gap))));
    }
    addPieces(pieces, hi.arg(0), axis);
    return pad(apply(new Concat(axis, true), pieces.toArray(new Node[0])), start, x.shape());
  }

  /** x's pieces along {@code axis}: its operands when it is itself a concatenation there. */
  private static void addPieces(List<Node> pieces, Node x, int axis) {
    if (x.op() instanceof Concat c && c.axis() == axis) {
      pieces.addAll(x.args());
    } else {
      pieces.add(x);
    }
  }

  /** {@code x - y}; subtracting a negation adds (exactly the same bits). */
  public Node sub(Node x, Node y) {
    if (y.op() == Elementwise.NEG && x.shape().equals(y.shape())) {
      return apply(Elementwise.ADD, x, y.arg(0));
    }
    return apply(Elementwise.SUB, x, y);
  }

  /** {@code x * y}; multiplying by a constant of ones that does not enlarge the other operand is free. */
  public Node mul(Node x, Node y) {
    Shape out = Shape.broadcastOrNull(x.shape(), y.shape());
    if (out != null && y.isConstant(1) && out.size() == x.shape().size()) {
      return reshape(x, out);
    }
    if (out != null && x.isConstant(1) && out.size() == y.shape().size()) {
      return reshape(y, out);
    }
    return apply(Elementwise.MUL, x, y);
  }

  /** {@code x == 0 ? 0 : x * y} elementwise ({@link Elementwise#ZMUL}); multiplying by ones is free. */
  public Node zmul(Node x, Node y) {
    Shape out = Shape.broadcastOrNull(x.shape(), y.shape());
    if (out != null && y.isConstant(1) && out.size() == x.shape().size()) {
      return reshape(x, out);
    }
    if (out != null && x.isConstant(1) && out.size() == y.shape().size()) {
      return reshape(y, out);
    }
    return apply(Elementwise.ZMUL, x, y);
  }

  /** {@code x == 0 ? 0 : x / y} elementwise ({@link Elementwise#ZDIV}); dividing by ones is free. */
  public Node zdiv(Node x, Node y) {
    Shape out = Shape.broadcastOrNull(x.shape(), y.shape());
    if (out != null && y.isConstant(1) && out.size() == x.shape().size()) {
      return reshape(x, out);
    }
    return apply(Elementwise.ZDIV, x, y);
  }

  public Node div(Node x, Node y) {
    return apply(Elementwise.DIV, x, y);
  }

  /** {@code x ^ y}; a constant scalar exponent becomes {@link PowConst}. */
  public Node pow(Node x, Node y) {
    if (y.kind() == Node.Kind.CONSTANT && y.shape().rank() == 0) {
      return powConst(x, y.value().data()[0]);
    }
    return apply(Elementwise.POW, x, y);
  }

  /** {@code x ^ c} for a constant exponent. */
  public Node powConst(Node x, double c) {
    if (c == 1) {
      return x;
    }
    return apply(new PowConst(c), x);
  }

  public Node lt(Node x, Node y) {
    return apply(Elementwise.LT, x, y);
  }

  public Node le(Node x, Node y) {
    return apply(Elementwise.LE, x, y);
  }

  public Node gt(Node x, Node y) {
    return apply(Elementwise.GT, x, y);
  }

  public Node ge(Node x, Node y) {
    return apply(Elementwise.GE, x, y);
  }

  /** {@code cond != 0 ? a : b} elementwise, broadcasting all three. */
  public Node where(Node cond, Node a, Node b) {
    return apply(Where.INSTANCE, cond, a, b);
  }

  // ---------------------------------------------------------------- structure

  /** Same elements, new shape (row-major); free at run time. */
  public Node reshape(Node x, Shape shape) {
    if (x.shape().equals(shape)) {
      return x;
    }
    if (x.kind() == Node.Kind.OP && x.op() instanceof Reshape) {
      return reshape(x.arg(0), shape);
    }
    return apply(new Reshape(shape), x);
  }

  /**
   * Permutes axes: result axis i is axis {@code perm[i]} of {@code x}. A permutation that keeps
   * the order of the axes longer than 1 does not move any element and becomes a free reshape.
   */
  public Node transpose(Node x, int... perm) {
    Node swapped = transposeOuter(x, perm);
    if (swapped != null) {
      return swapped;
    }
    Shape s = x.shape();
    if (perm.length == s.rank()) {
      int last = -1;
      boolean moves = false;
      for (int p : perm) {
        if (p >= 0 && p < s.rank() && s.dim(p) != 1) {
          moves |= p < last;
          last = p;
        }
      }
      if (!moves) {
        int[] d = new int[perm.length];
        boolean[] seen = new boolean[perm.length];
        boolean valid = true;
        for (int i = 0; i < perm.length && valid; i++) {
          valid = perm[i] >= 0 && perm[i] < s.rank() && !seen[perm[i]];
          if (valid) {
            seen[perm[i]] = true;
            d[i] = s.dim(perm[i]);
          }
        }
        if (valid && Shape.of(d).size() == s.size()) {
          return reshape(x, Shape.of(d));
        }
      }
    }
    return apply(new Transpose(perm), x);
  }

  /**
   * The transpose of the last two axes of an elementwise binary operation whose operands are
   * columns {@code (..., p, 1)}, rows {@code (..., 1, q)} or again such operations (an outer
   * product, a sum of outer products: a layer's per-sample weight gradient) is the same
   * operations on the transposed operands, which are free reshapes: {@code (a op b)^T = a^T op
   * b^T}, element for element the same values, without moving any. Returns null when {@code x}
   * is not such an operation (looked at 4 levels deep) or {@code perm} is not that swap.
   */
  private Node transposeOuter(Node x, int[] perm) {
    int r = x.shape().rank();
    if (r < 2 || perm.length != r) {
      return null;
    }
    for (int i = 0; i < r - 2; i++) {
      if (perm[i] != i) {
        return null;
      }
    }
    if (perm[r - 2] != r - 1 || perm[r - 1] != r - 2 || !freelyTransposable(x, 4)) {
      return null;
    }
    return transposedFreely(x);
  }

  /** True when the last two axes of x can be swapped by reshapes of columns and rows alone. */
  private static boolean freelyTransposable(Node x, int depth) {
    return freelyTransposable(x, x.shape().rank(), depth);
  }

  /** As above for x broadcast (from the right) to rank {@code r}. */
  private static boolean freelyTransposable(Node x, int r, int depth) {
    if (x.shape().rank() > r || r < 2) {
      return false;
    }
    if (isColumnOrRow(withRank(x.shape(), r))) {
      return true;
    }
    if (x.shape().rank() < 2) {
      return false;
    }
    if (depth == 0) {
      return false;
    }
    if (isLeadingReshape(x)) {
      return freelyTransposable(x.arg(0), depth - 1);
    }
    if (!(x.op() instanceof Binary) || x.arity() != 2) {
      return false;
    }
    for (Node a : x.args()) {
      if (!freelyTransposable(a, x.shape().rank(), depth - 1)) {
        return false;
      }
    }
    return true;
  }

  /** {@code s} with leading axes of length 1 added up to rank {@code r}. */
  private static Shape withRank(Shape s, int r) {
    return s.rank() >= r ? s : s.prepend(ones(r - s.rank()));
  }

  private static int[] ones(int n) {
    int[] d = new int[n];
    Arrays.fill(d, 1);
    return d;
  }

  /** A reshape that only adds or drops leading axes of length 1 (the last two axes kept). */
  private static boolean isLeadingReshape(Node x) {
    if (!(x.op() instanceof Reshape)) {
      return false;
    }
    Shape in = x.arg(0).shape();
    Shape out = x.shape();
    return in.rank() >= 2 && out.rank() >= 2 && in.dim(-1) == out.dim(-1) && in.dim(-2) == out.dim(-2)
        && in.size() == out.size();
  }

  private Node transposedFreely(Node x) {
    return transposedFreely(x, x.shape().rank());
  }

  /** x broadcast to rank r (leading 1s), with its last two axes swapped. */
  private Node transposedFreely(Node x, int r) {
    Shape s = withRank(x.shape(), r);
    if (isColumnOrRow(s)) {
      return reshape(x, swapLast(s));
    }
    if (isLeadingReshape(x)) {
      return reshape(transposedFreely(x.arg(0)), swapLast(s));
    }
    Node t = apply(x.op(), transposedFreely(x.arg(0), x.shape().rank()), transposedFreely(x.arg(1), x.shape().rank()));
    return reshape(t, swapLast(s));
  }

  private static boolean isColumnOrRow(Shape s) {
    return s.dim(-1) == 1 || s.dim(-2) == 1;
  }

  private static Shape swapLast(Shape s) {
    int[] d = s.dims();
    int t = d[d.length - 1];
    d[d.length - 1] = d[d.length - 2];
    d[d.length - 2] = t;
    return Shape.of(d);
  }

  /** Reverses the axes (NumPy's {@code x.T}); a vector is returned unchanged. */
  public Node transpose(Node x) {
    int r = x.shape().rank();
    int[] perm = new int[r];
    for (int i = 0; i < r; i++) {
      perm[i] = r - 1 - i;
    }
    return transpose(x, perm);
  }

  /** Swaps the last two axes. */
  public Node swapLastAxes(Node x) {
    int r = x.shape().rank();
    int[] perm = new int[r];
    for (int i = 0; i < r; i++) {
      perm[i] = i;
    }
    perm[r - 2] = r - 1;
    perm[r - 1] = r - 2;
    return transpose(x, perm);
  }

  /** Broadcasts to {@code shape} (NumPy rules). */
  public Node broadcastTo(Node x, Shape shape) {
    if (x.shape().equals(shape)) {
      return x;
    }
    return apply(new BroadcastTo(shape), x);
  }

  /** Sums over the given axes (negative axes count from the end); the axes are removed. */
  public Node sum(Node x, int... axes) {
    int r = x.shape().rank();
    int[] a = new int[axes.length];
    for (int i = 0; i < axes.length; i++) {
      a[i] = axes[i] < 0 ? axes[i] + r : axes[i];
      if (a[i] < 0 || a[i] >= r) {
        throw new ShapeException("sum: axis " + axes[i] + " out of range for shape " + x.shape());
      }
    }
    a = Arrays.stream(a).sorted().distinct().toArray();
    if (a.length != axes.length) {
      throw new ShapeException("sum: repeated axis in " + Arrays.toString(axes));
    }
    if (a.length == 0) {
      return x;
    }
    boolean allOnes = true;
    for (int axis : a) {
      allOnes &= x.shape().dim(axis) == 1;
    }
    if (allOnes) {
      int[] kept = new int[r - a.length];
      for (int i = 0, j = 0, k = 0; i < r; i++) {
        if (j < a.length && a[j] == i) {
          j++;
        } else {
          kept[k++] = x.shape().dim(i);
        }
      }
      return reshape(x, Shape.of(kept)); // summing axes of length 1 adds nothing: a free reshape
    }
    return apply(new ReduceSum(a), x);
  }

  /** The sum of all elements (a scalar). */
  public Node sumAll(Node x) {
    int[] all = new int[x.shape().rank()];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    return sum(x, all);
  }

  /** The mean of all elements. */
  public Node meanAll(Node x) {
    return div(sumAll(x), scalar(x.shape().size()));
  }

  /**
   * The product of all elements, as a chain of multiplications of single elements: exact
   * derivatives of every order, also where elements are zero (no division by the product).
   */
  public Node prodAll(Node x) {
    Node flat = reshape(x, Shape.of(x.shape().size()));
    int n = x.shape().size();
    if (n == 0) {
      return scalar(1);
    }
    Node acc = index(flat, 0, 0);
    for (int i = 1; i < n; i++) {
      acc = mul(acc, index(flat, 0, i));
    }
    return acc;
  }

  /**
   * Matrix product with NumPy's {@code @} rules: a vector operand is promoted to a matrix (a row
   * on the left, a column on the right) and the promoted axis removed from the result.
   */
  public Node matmul(Node a, Node b) {
    Shape sa = a.shape();
    Shape sb = b.shape();
    if (sa.rank() == 0 || sb.rank() == 0) {
      throw new ShapeException("@: operands must be vectors or matrices, got shapes " + sa + " and " + sb);
    }
    boolean va = sa.rank() == 1;
    boolean vb = sb.rank() == 1;
    Node ma = va ? reshape(a, Shape.of(1, sa.dim(0))) : a;
    Node mb = vb ? reshape(b, Shape.of(sb.dim(0), 1)) : b;
    if (ma.shape().dim(-1) != mb.shape().dim(-2)) {
      throw new ShapeException("@: shapes " + sa + " and " + sb + " do not fit a matrix product ("
          + sa.dim(-1) + " != " + (vb ? sb.dim(0) : sb.dim(-2)) + ")");
    }
    Node p = apply(MatMul.INSTANCE, ma, mb);
    if (!va && !vb) {
      return p;
    }
    Shape ps = p.shape();
    int[] d = ps.dims();
    List<Integer> keep = new ArrayList<>();
    for (int i = 0; i < d.length; i++) {
      boolean drop = (va && i == d.length - 2) || (vb && i == d.length - 1);
      if (!drop) {
        keep.add(d[i]);
      }
    }
    return reshape(p, Shape.of(keep.stream().mapToInt(Integer::intValue).toArray()));
  }

  /**
   * The {@link MatMul} primitive on operands of rank at least 2 (what the differentiation rules of
   * matrix products build). When the contracted axis has length 1 the product is an outer
   * product, {@code (..., p, 1) @ (..., 1, q)}: it is built as a broadcasting product
   * {@code a * b} instead, one multiplication per element like the matrix product, but an
   * elementwise step instead of a matrix product per sample (the per-sample gradients of a
   * layer's weights are such outer products).
   */
  public Node matmulPrimitive(Node a, Node b) {
    if (a.shape().rank() >= 2 && b.shape().rank() >= 2 && a.shape().dim(-1) == 1 && b.shape().dim(-2) == 1) {
      Shape out = MatMul.INSTANCE.shape(new Shape[] {a.shape(), b.shape()});
      Node p = mul(a, b);
      return p.shape().equals(out) ? p : broadcastTo(p, out);
    }
    return apply(MatMul.INSTANCE, a, b);
  }

  /** NumPy's {@code dot}: the inner product of two vectors, else the matrix product. */
  public Node dot(Node a, Node b) {
    if (a.shape().rank() == 1 && b.shape().rank() == 1) {
      if (a.shape().dim(0) != b.shape().dim(0)) {
        throw new ShapeException("dot: vectors of lengths " + a.shape().dim(0) + " and " + b.shape().dim(0));
      }
      return matmul(a, b);
    }
    return matmul(a, b);
  }

  /** The Euclidean norm of all elements; its derivative at 0 is NaN, as in JAX. */
  public Node norm(Node x) {
    return sqrt(sumAll(mul(x, x)));
  }

  /** Joins values of equal rank along {@code axis} (negative counts from the end). */
  public Node concat(int axis, Node... xs) {
    if (xs.length == 0) {
      throw new ShapeException("concat: nothing to join");
    }
    if (xs.length == 1) {
      return xs[0];
    }
    int r = xs[0].shape().rank();
    return apply(new Concat(axis < 0 ? axis + r : axis), xs);
  }

  /** The box {@code start <= i < stop} (per axis, unit steps). */
  public Node slice(Node x, int[] start, int[] stop) {
    if (Arrays.equals(start, new int[start.length]) && Arrays.equals(stop, x.shape().dims())) {
      return x;
    }
    return apply(new Slice(start, stop), x);
  }

  /** {@code x[..., start:stop, ...]} on one axis. */
  public Node sliceAxis(Node x, int axis, int start, int stop) {
    int[] lo = new int[x.shape().rank()];
    int[] hi = x.shape().dims();
    lo[axis] = start;
    hi[axis] = stop;
    return slice(x, lo, hi);
  }

  /** {@code x[..., i, ...]} on one axis: the axis is removed. */
  public Node index(Node x, int axis, int i) {
    Shape s = x.shape();
    if (i < 0 || i >= s.dim(axis)) {
      throw new ShapeException("index " + i + " is out of range for axis " + axis + " of length "
          + s.dim(axis) + " (shape " + s + ")");
    }
    Node sl = sliceAxis(x, axis, i, i + 1);
    int[] d = new int[s.rank() - 1];
    for (int k = 0, j = 0; k < s.rank(); k++) {
      if (k != axis) {
        d[j++] = s.dim(k);
      }
    }
    return reshape(sl, Shape.of(d));
  }

  /** Places {@code x} at {@code start} inside zeros of shape {@code full}. */
  public Node pad(Node x, int[] start, Shape full) {
    if (x.shape().equals(full)) {
      return x;
    }
    return apply(new Pad(start, full), x);
  }

  // ---------------------------------------------------------------- derivatives

  /**
   * The gradient of the scalar {@code e} with respect to the leaf {@code v} (an input or a
   * param of this builder), shaped like {@code v}, as a node of this graph: differentiable again
   * by every operator and engine operation. Semantics, modes and shapes: {@link Derivatives}.
   */
  public Node grad(Node e, Node v) {
    return Derivatives.grad(this, e, v);
  }

  /** The Jacobian of {@code e} with respect to the leaf {@code v}: shape(e) + shape(v). */
  public Node jacobian(Node e, Node v) {
    return Derivatives.jacobian(this, e, v);
  }

  /** The Jacobian of {@code e} with respect to the leaf {@code v} times {@code u} (shaped like v): shape(e). */
  public Node jvp(Node e, Node v, Node u) {
    return Derivatives.jvp(this, e, v, u);
  }

  /** {@code w} (shaped like e) times the Jacobian of {@code e} with respect to the leaf {@code v}: shape(v). */
  public Node vjp(Node e, Node v, Node w) {
    return Derivatives.vjp(this, e, v, w);
  }

  /** The Hessian of the scalar {@code e} with respect to the leaf {@code v}: shape(v) + shape(v). */
  public Node hessian(Node e, Node v) {
    return Derivatives.hessian(this, e, v);
  }

  /** The node of that id (ids are positions in this builder). */
  Node node(int id) {
    return nodes.get(id);
  }

  /** Nodes created so far (for transformations that inspect what they built). */
  public int size() {
    return nodes.size();
  }
}
