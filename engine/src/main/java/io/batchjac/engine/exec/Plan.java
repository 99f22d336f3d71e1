package io.batchjac.engine.exec;

import io.batchjac.engine.ir.Binary;
import io.batchjac.engine.ir.BroadcastTo;
import io.batchjac.engine.ir.Concat;
import io.batchjac.engine.ir.Elementwise;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.ir.MatMul;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.ir.Op;
import io.batchjac.engine.ir.Pad;
import io.batchjac.engine.ir.PowConst;
import io.batchjac.engine.ir.ReduceSum;
import io.batchjac.engine.ir.Reshape;
import io.batchjac.engine.ir.Slice;
import io.batchjac.engine.ir.Transpose;
import io.batchjac.engine.ir.Unary;
import io.batchjac.engine.ir.Where;
import io.batchjac.engine.tensor.Shape;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A graph compiled for execution on chunks of samples.
 *
 * <ul>
 *   <li>Only nodes the outputs need are kept.</li>
 *   <li>Every node that does not depend on an input (parameters, constants, seeds and everything
 *       computed from them only, e.g. {@code W @ I} for an identity seed) is evaluated here, once,
 *       and stored once; at run time it is read with sample stride 0.</li>
 *   <li>Every batched node is one {@link Step} over the whole chunk. Its value lives in a slot;
 *       a reshape shares its operand's slot (no copy). Slots whose lifetimes do not overlap share
 *       a physical buffer, so a chunk's working set is a few buffers of {@code C x size}.</li>
 *   <li>A batched node that repeats an earlier one (the same primitive with the same parameters
 *       on the same operand values) shares that node's slot instead of computing it again:
 *       differentiation rules often rebuild a value the function already has (the {@code cos x}
 *       of two {@code sin x} rules, the slices of one input).</li>
 * </ul>
 *
 * A plan is immutable and shared by all threads; each thread runs it in a {@link Frame} of its
 * own made by {@link #newFrame(int)}.
 */
public final class Plan {
  private final Graph graph;
  private final List<Node> outputs;
  private final List<Step> steps = new ArrayList<>();
  private final List<Node> stepNodes = new ArrayList<>();
  private final List<double[]> constants = new ArrayList<>();
  private final List<Integer> slotSize = new ArrayList<>();
  private final int[] slotOf;
  private final int[] inputSlots;
  private final int[] outputSlots;
  private int[] physOf;
  private int[] physSize;
  private int maxSampleSize;
  /** {@link #panel()}: found once, at the end of compilation (the executor asks on every run). */
  private int panel = MatMulStep.PANEL;

  /**
   * Whether {@link #compile(Graph, List)} fuses chains of elementwise steps ({@link FusedStep}):
   * the system property {@code batchjac.fusion} (true or false, default true), read at each
   * compilation. Only steps of tensor values are fused ({@link #MIN_FUSED_SIZE}).
   */
  public static boolean fusionEnabled() {
    return Boolean.parseBoolean(System.getProperty("batchjac.fusion", "true"));
  }

  /**
   * The fewest values per sample of a fused step. Steps of one value per sample (closed-form
   * functions such as Borehole) are not fused: a group of them holds calls (log, exp) and
   * divisions that C2 does not vectorize inside a fused loop, and measured slower fused than step
   * by step (docs/fusion.md).
   */
  static final int MIN_FUSED_SIZE = 2;

  /** The most steps one fused group takes (keeps its generated method well under 8 KB of bytecode). */
  static final int MAX_FUSED = 32;

  private final boolean fuse;
  /** Whether scaled products are folded into one GEMM ({@link ScaledProduct}). */
  private final boolean foldScaled = ScaledProduct.enabled();

  private Plan(Graph g, List<Node> outputs, boolean fuse) {
    this.fuse = fuse;
    this.graph = g;
    this.outputs = List.copyOf(outputs);
    this.slotOf = new int[g.nodes().size()];
    Arrays.fill(slotOf, -1);
    this.inputSlots = new int[g.inputs().size()];
    this.outputSlots = new int[outputs.size()];
  }

  /** Compiles {@code g} to compute its declared outputs. */
  public static Plan compile(Graph g) {
    return compile(g, g.outputs().stream().map(Graph.Output::node).toList());
  }

  /** Compiles {@code g} to compute the given nodes of it. */
  public static Plan compile(Graph g, List<Node> outputs) {
    return compile(g, outputs, fusionEnabled());
  }

  /**
   * Compiles {@code g} to compute the given nodes of it, with or without fusing elementwise
   * steps (the results are bitwise the same either way).
   */
  public static Plan compile(Graph g, List<Node> outputs, boolean fuse) {
    Plan p = new Plan(g, outputs, fuse);
    p.build();
    return p;
  }

  public Graph graph() {
    return graph;
  }

  /** True when this plan was compiled with fused elementwise groups. */
  public boolean fused() {
    return fuse;
  }

  /** Number of steps run per chunk (batched operations that are not free reshapes). */
  public int stepCount() {
    return steps.size();
  }

  /** Floating-point operations per sample spent in matrix products (the GEMM work of one pass). */
  public long gemmFlopsPerSample() {
    long f = 0;
    for (Step s : steps) {
      f += s.gemmFlopsPerSample();
    }
    return f;
  }

  /** One line per step: the node it computes, its operands and its kernel (for profiling). */
  public String describe() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < steps.size(); i++) {
      sb.append(i).append(": ").append(describeStep(i)).append('\n');
    }
    return sb.toString();
  }

  /** Step i: the node it computes, its operands' shapes (b batched, c constant) and its kernel. */
  String describeStep(int i) {
    Node n = stepNodes.get(i);
    StringBuilder sb = new StringBuilder().append(n).append(" <-");
    for (Node a : n.args()) {
      sb.append(' ').append(a.shape()).append(a.batched() ? "b" : "c");
    }
    return sb.append("  [").append(kernelOf(i)).append(']').toString();
  }

  /** The kernel of step i and the primitive it runs, e.g. {@code BinaryStep *} (for profiles). */
  String kernelOf(int i) {
    if (steps.get(i) instanceof SinCosStep) {
      return "SinCosStep sin+cos";
    }
    if (steps.get(i) instanceof FusedStep fs) {
      return "FusedStep " + String.join(" ", fs.names());
    }
    return steps.get(i).getClass().getSimpleName() + " " + stepNodes.get(i).op().name();
  }

  /** The most samples one GEMM call of this plan takes (chunks are whole multiples of it). */
  public int panel() {
    return panel;
  }

  /** The largest per-sample value size among batched slots (for choosing chunk sizes). */
  public int maxSampleSize() {
    return maxSampleSize;
  }

  int slots() {
    return slotSize.size();
  }

  int inputSlot(int i) {
    return inputSlots[i];
  }

  int outputSlot(int i) {
    return outputSlots[i];
  }

  /** True when output i's value differs between samples. */
  boolean outputBatched(int i) {
    return constants.get(outputSlots[i]) == null;
  }

  /** True when output i has a slot of its own that an external array may replace. */
  boolean outputOwnsSlot(int i) {
    int s = outputSlots[i];
    if (!outputBatched(i)) {
      return false;
    }
    for (int in : inputSlots) {
      if (in == s) {
        return false;
      }
    }
    for (int j = 0; j < outputSlots.length; j++) {
      if (j != i && outputSlots[j] == s) {
        return false;
      }
    }
    return true;
  }

  /** The value of a sample-independent slot (one sample's worth), or null for a batched one. */
  double[] constant(int slot) {
    return constants.get(slot);
  }

  /** The number of graph inputs (slots of unused ones are -1). */
  int inputCount() {
    return inputSlots.length;
  }

  /** The number of outputs the plan computes. */
  int outputCount() {
    return outputSlots.length;
  }

  private boolean isInputSlot(int slot) {
    for (int in : inputSlots) {
      if (in == slot) {
        return true;
      }
    }
    return false;
  }

  /** Values per sample of a slot. */
  int slotSize(int slot) {
    return slotSize.get(slot);
  }

  List<Step> steps() {
    return steps;
  }

  /** A frame for chunks of up to {@code chunk} samples: constants bound, buffers allocated. */
  Frame newFrame(int chunk) {
    Frame f = new Frame(slots());
    double[][] phys = new double[physSize.length][];
    for (int i = 0; i < phys.length; i++) {
      phys[i] = new double[Math.max(1, chunk * physSize[i])];
    }
    for (int s = 0; s < slots(); s++) {
      double[] c = constants.get(s);
      if (c != null) {
        f.buf[s] = c;
      } else if (physOf[s] >= 0) {
        f.buf[s] = phys[physOf[s]];
      } else if (isInputSlot(s)) {
        f.buf[s] = new double[Math.max(1, chunk * slotSize.get(s))]; // input staging
      } else {
        f.buf[s] = new double[1]; // lives in a fused group's tiles only, or no step computes it
      }
    }
    f.own = f.buf.clone();
    f.capacity = chunk;
    return f;
  }

  // ------------------------------------------------------------------ compilation

  private void build() {
    boolean[] live = liveNodes();
    List<int[]> stepOutSlots = new ArrayList<>();
    Map<List<Object>, Integer> computed = new HashMap<>();
    for (Node n : graph.nodes()) {
      if (!live[n.id()]) {
        continue;
      }
      if (!n.batched()) {
        slotOf[n.id()] = constantSlot(n);
      } else if (n.kind() == Node.Kind.INPUT) {
        slotOf[n.id()] = newSlot(n.shape().size(), null);
      } else if (n.op() instanceof Reshape) {
        slotOf[n.id()] = slotOf[n.arg(0).id()];
      } else {
        List<Object> key = valueKey(n);
        Integer same = computed.get(key);
        if (same != null) {
          slotOf[n.id()] = same;
          continue;
        }
        int s = newSlot(n.shape().size(), null);
        slotOf[n.id()] = s;
        computed.put(key, s);
        ScaledProduct folded = foldScaled ? ScaledProduct.of(n, this::constantValue) : null;
        steps.add(folded != null ? foldedStep(folded, n, s) : stepFor(n, s));
        stepNodes.add(n);
        stepOutSlots.add(new int[] {s});
      }
    }
    for (int i = 0; i < inputSlots.length; i++) {
      Node in = graph.inputs().get(i);
      inputSlots[i] = live[in.id()] ? slotOf[in.id()] : -1;
    }
    for (int i = 0; i < outputSlots.length; i++) {
      outputSlots[i] = slotOf[outputs.get(i).id()];
    }
    dropUnreadSteps(stepOutSlots);
    fuseSinCos(stepOutSlots);
    if (fuse) {
      fuseElementwise(stepOutSlots);
    }
    assignBuffers(stepOutSlots);
    for (Step step : steps) {
      if (step instanceof MatMulStep m) {
        panel = Math.max(panel, m.panel());
      }
    }
  }

  /** The value of a sample-independent node the plan has evaluated. */
  private double[] constantValue(Node n) {
    return constants.get(slotOf[n.id()]);
  }

  /** The step of a folded scaled product: ONE constant-left GEMM {@code K @ u} ({@link ScaledProduct}). */
  private Step foldedStep(ScaledProduct f, Node n, int outSlot) {
    int k = newSlot(f.k().length, f.k());
    return new MatMulStep(new Operand(k, f.k().length, false), Shape.of(f.rows(), f.inner()), operand(f.u()),
        Shape.of(f.inner(), 1), new Operand(outSlot, n.shape().size(), true), Shape.of(f.rows(), 1));
  }

  /**
   * Removes the steps whose values no later step reads and no output is: what a folded product
   * no longer reads (its scaled directions), unless something else does.
   */
  private void dropUnreadSteps(List<int[]> stepOutSlots) {
    boolean[] needed = new boolean[slots()];
    for (int s : outputSlots) {
      needed[s] = true;
    }
    for (int i = steps.size() - 1; i >= 0; i--) {
      boolean keep = false;
      for (int s : stepOutSlots.get(i)) {
        keep |= needed[s];
      }
      if (keep) {
        for (int r : steps.get(i).reads()) {
          needed[r] = true;
        }
      } else {
        steps.remove(i);
        stepNodes.remove(i);
        stepOutSlots.remove(i);
      }
    }
  }

  /**
   * sin and cos of the same batched value (a function's {@code sin x} and its derivative's
   * {@code cos x}) become one step at the first one's place: they share the reduction by pi/2,
   * most of their cost.
   */
  private void fuseSinCos(List<int[]> stepOutSlots) {
    Map<Integer, Integer> sinOf = new HashMap<>();
    Map<Integer, Integer> cosOf = new HashMap<>();
    for (int i = 0; i < steps.size(); i++) {
      Node n = stepNodes.get(i);
      if (n.op() == Elementwise.SIN || n.op() == Elementwise.COS) {
        int in = slotOf[n.arg(0).id()];
        (n.op() == Elementwise.SIN ? sinOf : cosOf).putIfAbsent(in, i);
      }
    }
    List<Integer> drop = new ArrayList<>();
    for (Map.Entry<Integer, Integer> e : sinOf.entrySet()) {
      Integer c = cosOf.get(e.getKey());
      if (c == null) {
        continue;
      }
      int si = e.getValue();
      int first = Math.min(si, c);
      int sinSlot = stepOutSlots.get(si)[0];
      int cosSlot = stepOutSlots.get(c)[0];
      Node x = stepNodes.get(si).arg(0);
      steps.set(first, new SinCosStep(operand(x), new Operand(sinSlot, x.shape().size(), true),
          new Operand(cosSlot, x.shape().size(), true)));
      stepNodes.set(first, stepNodes.get(si));
      stepOutSlots.set(first, new int[] {sinSlot, cosSlot});
      drop.add(Math.max(si, c));
    }
    drop.sort(java.util.Comparator.reverseOrder());
    for (int i : drop) {
      steps.remove(i);
      stepNodes.remove(i);
      stepOutSlots.remove(i);
    }
  }

  /**
   * Replaces groups of elementwise steps ({@link UnaryStep}s, {@link BinaryStep#fusable()
   * fusable} {@link BinaryStep}s) of equal per-sample size by {@link FusedStep}s, each at the place
   * {@link FusionGroups} chose for it (the grouping that moves fewer values through memory).
   */
  private void fuseElementwise(List<int[]> stepOutSlots) {
    FusionGroups.Grouping grouping = new FusionGroups(steps, stepOutSlots, slots(), outputSlots, slotSize::get,
        s -> constants.get(s) == null, MAX_FUSED, MIN_FUSED_SIZE).best();
    List<Step> newSteps = new ArrayList<>();
    List<Node> newNodes = new ArrayList<>();
    List<int[]> newOuts = new ArrayList<>();
    int[] groupOf = grouping.groupOf();
    for (int i = 0; i < steps.size(); i++) {
      int g = groupOf[i];
      if (g < 0) {
        newSteps.add(steps.get(i));
        newNodes.add(stepNodes.get(i));
        newOuts.add(stepOutSlots.get(i));
        continue;
      }
      if (grouping.runsAt()[g] != i) {
        continue;
      }
      List<Integer> members = grouping.groups().get(g);
      List<Step> ms = new ArrayList<>();
      boolean[] written = new boolean[members.size()];
      for (int k = 0; k < members.size(); k++) {
        ms.add(steps.get(members.get(k)));
        written[k] = grouping.written()[members.get(k)];
      }
      FusedStep fused = FusedStep.of(ms, written, grouping.size()[g]);
      newSteps.add(fused);
      newNodes.add(stepNodes.get(i));
      newOuts.add(fused.writes());
    }
    steps.clear();
    steps.addAll(newSteps);
    stepNodes.clear();
    stepNodes.addAll(newNodes);
    stepOutSlots.clear();
    stepOutSlots.addAll(newOuts);
  }


  /**
   * What a batched node computes: its primitive (primitives compare by their parameters), its
   * shape, and the slots and shapes of its operands. Equal keys mean equal values.
   */
  private List<Object> valueKey(Node n) {
    List<Object> key = new ArrayList<>();
    key.add(n.op());
    key.add(n.shape());
    for (Node a : n.args()) {
      key.add(slotOf[a.id()]);
      key.add(a.shape());
    }
    return key;
  }

  private boolean[] liveNodes() {
    boolean[] live = new boolean[graph.nodes().size()];
    for (Node o : outputs) {
      live[o.id()] = true;
    }
    for (int i = live.length - 1; i >= 0; i--) {
      if (live[i]) {
        for (Node a : graph.nodes().get(i).args()) {
          live[a.id()] = true;
        }
      }
    }
    return live;
  }

  private int newSlot(int size, double[] constant) {
    slotSize.add(size);
    constants.add(constant);
    if (constant == null) {
      maxSampleSize = Math.max(maxSampleSize, size);
    }
    return slotSize.size() - 1;
  }

  /** Evaluates a sample-independent node now, with the same kernels, on a one-sample frame. */
  private int constantSlot(Node n) {
    if (n.kind() != Node.Kind.OP) {
      return newSlot(n.shape().size(), n.value().data());
    }
    if (n.op() instanceof Reshape) {
      return slotOf[n.arg(0).id()];
    }
    int s = newSlot(n.shape().size(), new double[n.shape().size()]);
    Step step = stepFor(n, s);
    Frame f = new Frame(slots());
    for (int i = 0; i < slots(); i++) {
      f.buf[i] = constants.get(i);
    }
    step.run(f, 1);
    return s;
  }

  private Operand operand(Node n) {
    int s = slotOf[n.id()];
    return new Operand(s, n.shape().size(), constants.get(s) == null);
  }

  private Step stepFor(Node n, int outSlot) {
    Op op = n.op();
    Operand out = new Operand(outSlot, n.shape().size(), n.batched());
    Shape so = n.shape();
    if (op instanceof Unary u) {
      return new UnaryStep(u.definition(), operand(n.arg(0)), out);
    }
    if (op instanceof PowConst pc) {
      return new UnaryStep(pc.definition(), operand(n.arg(0)), out);
    }
    if (op instanceof Binary bin) {
      Node x = n.arg(0);
      Node y = n.arg(1);
      Operand ox = expandedIfNeeded(x, so, n.batched());
      Operand oy = expandedIfNeeded(y, so, n.batched());
      Shape sx = ox.size() == x.shape().size() ? x.shape() : so;
      Shape sy = oy.size() == y.shape().size() ? y.shape() : so;
      return new BinaryStep(strongZeroApplies(bin, ox) ? bin.definition() : bin.definition().plain(), ox, sx, oy,
          sy, out, so);
    }
    if (op instanceof Where) {
      return new WhereStep(operand(n.arg(0)), n.arg(0).shape(), operand(n.arg(1)), n.arg(1).shape(),
          operand(n.arg(2)), n.arg(2).shape(), out, so);
    }
    if (op instanceof MatMul) {
      return new MatMulStep(operand(n.arg(0)), n.arg(0).shape(), operand(n.arg(1)), n.arg(1).shape(), out, so);
    }
    Shape si = n.arity() > 0 ? n.arg(0).shape() : null;
    if (op instanceof Transpose t) {
      return new GatherStep(operand(n.arg(0)), out, IndexMaps.transpose(si, t.perm(), so));
    }
    if (op instanceof BroadcastTo) {
      return new GatherStep(operand(n.arg(0)), out, IndexMaps.broadcast(si, so));
    }
    if (op instanceof Slice sl) {
      return new GatherStep(operand(n.arg(0)), out, IndexMaps.slice(si, sl.start(), so));
    }
    if (op instanceof Pad pd) {
      return new GatherStep(operand(n.arg(0)), out, IndexMaps.pad(si, pd.start(), so));
    }
    if (op instanceof ReduceSum rs) {
      return new ReduceSumStep(operand(n.arg(0)), out, IndexMaps.reduce(si, rs.axes()));
    }
    if (op instanceof Concat cc) {
      int axis = cc.axis();
      int outer = so.first(axis).size();
      Operand[] ins = new Operand[n.arity()];
      int[] inner = new int[n.arity()];
      for (int i = 0; i < ins.length; i++) {
        ins[i] = operand(n.arg(i));
        inner[i] = n.arg(i).shape().dropFirst(axis).size();
      }
      return new ConcatStep(ins, out, outer, inner, cc.plusZero());
    }
    throw new IllegalStateException("no kernel for primitive '" + op.name() + "'");
  }

  /**
   * False when {@code op}'s strong zero can never apply: its x operand is a constant without a
   * zero (as the weights multiplying a partial in reverse mode are), so the plain expression has
   * exactly the definition's values (a NaN x gives NaN both ways) and needs no zero test.
   */
  private boolean strongZeroApplies(Binary op, Operand x) {
    if (!op.definition().strongZero()) {
      return false; // no strong zero: plain() is the definition itself
    }
    if (x.batched()) {
      return true;
    }
    for (double v : constants.get(x.slot())) {
      if (v == 0) {
        return true;
      }
    }
    return false;
  }

  /**
   * A constant operand of a batched elementwise op whose layout would need a per-sample gather
   * is broadcast to the output shape once, here.
   */
  private Operand expandedIfNeeded(Node x, Shape out, boolean batchedOut) {
    Operand o = operand(x);
    if (o.batched() || !batchedOut || BinaryStep.layout(x.shape(), out) != BinaryStep.Layout.GATHER) {
      return o;
    }
    int[] map = IndexMaps.broadcast(x.shape(), out);
    double[] src = constants.get(o.slot());
    double[] full = new double[map.length];
    for (int i = 0; i < map.length; i++) {
      full[i] = src[map[i]];
    }
    return new Operand(newSlot(full.length, full), full.length, false);
  }

  /** Greedy best-fit reuse of physical buffers by slot lifetime; output slots are never freed. */
  private void assignBuffers(List<int[]> stepOutSlots) {
    int n = slots();
    int[] lastUse = new int[n];
    Arrays.fill(lastUse, -1);
    List<int[]> reads = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      reads.add(readSlots(steps.get(i)));
      for (int s : reads.get(i)) {
        lastUse[s] = Math.max(lastUse[s], i);
      }
    }
    for (int s : outputSlots) {
      lastUse[s] = Integer.MAX_VALUE;
    }
    physOf = new int[n];
    Arrays.fill(physOf, -1);
    List<Integer> sizes = new ArrayList<>();
    List<Integer> free = new ArrayList<>();
    List<List<Integer>> dying = new ArrayList<>();
    for (int i = 0; i < steps.size(); i++) {
      dying.add(new ArrayList<>());
    }
    for (int s = 0; s < n; s++) {
      if (lastUse[s] >= 0 && lastUse[s] < steps.size()) {
        dying.get(lastUse[s]).add(s);
      }
    }
    for (int i = 0; i < steps.size(); i++) {
      for (int s : stepOutSlots.get(i)) {
        int size = slotSize.get(s);
        int best = -1;
        for (int f : free) {
          if (sizes.get(f) >= size && (best < 0 || sizes.get(f) < sizes.get(best))) {
            best = f;
          }
        }
        if (best < 0) {
          sizes.add(size);
          best = sizes.size() - 1;
        } else {
          free.remove(Integer.valueOf(best));
        }
        physOf[s] = best;
      }
      for (int s : stepOutSlots.get(i)) {
        if (lastUse[s] < 0) {
          free.add(physOf[s]); // computed but never read again (cannot happen for live nodes)
        }
      }
      for (int d : dying.get(i)) {
        if (physOf[d] >= 0) {
          free.add(physOf[d]);
        }
      }
    }
    physSize = sizes.stream().mapToInt(Integer::intValue).toArray();
  }

  private static int[] readSlots(Step step) {
    return step.reads();
  }
}
