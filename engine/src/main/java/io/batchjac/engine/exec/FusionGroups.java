package io.batchjac.engine.exec;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.function.IntUnaryOperator;

/**
 * Which elementwise steps of a plan run together as one {@link FusedStep}, and where each group
 * runs. Two greedy groupings are built and the one moving fewer values through memory is kept:
 * <ul>
 *   <li><b>early</b>: steps scanned first to last; a step joins the open group of its per-sample
 *       size when every batched value it reads is computed before the group's first step or inside
 *       the group. The group runs at its first step's place.</li>
 *   <li><b>late</b>: steps scanned last to first; a step joins the open group of its size when no
 *       step outside the group that reads its value runs before the group's last step. The group
 *       runs at its last step's place.</li>
 * </ul>
 * Why two: a derivative's partials ({@code 1 - y*y} for tanh) depend on forward values only, so
 * the early grouping computes them in the forward pass and stores them for the backward pass,
 * while the late one computes them where the backward pass multiplies by them, from the forward
 * value already kept. For the mlp's VJP that saves a whole stored array per layer (the forward
 * group read one more array and wrote one more). Where a partial's consumer has another size (the
 * reverse Jacobian's {@code [8, 64]} cotangents), the late grouping has nowhere to put it and the
 * early one wins or ties; ties keep the early grouping.
 *
 * <p>The cost: per group, each batched value it reads from memory plus each value it writes
 * (read by a step outside the group, or a plan output), times the value's per-sample size; a
 * fusable step left alone counts its reads and its write (the other steps are the same in both). Either grouping gives the same results bitwise:
 * fusing changes where values live, never the arithmetic (FusionTest).
 */
final class FusionGroups {
  /**
   * A grouping: the steps of each group in plan order, each step's group ({@code -1}: the step
   * stays as it is), the plan step at whose place each group runs, each group's per-sample size,
   * whether each grouped step writes its value to memory, and the values moved per sample.
   */
  record Grouping(List<List<Integer>> groups, int[] groupOf, int[] runsAt, int[] size, boolean[] written,
      long cost) {}

  private final List<Step> steps;
  private final List<int[]> stepOutSlots;
  private final boolean[] isOutput;
  private final IntUnaryOperator slotSize;
  private final IntPredicate batchedSlot;
  private final int[] producer;
  /** The steps reading each slot, in plan order. */
  private final int[][] readers;
  private final int maxFused;
  private final int minSize;

  /**
   * @param steps the plan's steps in order
   * @param stepOutSlots the slots each step writes
   * @param slots the number of slots
   * @param outputSlots the plan's output slots (always written)
   * @param slotSize per-sample size of a slot
   * @param batchedSlot whether a slot holds a batched value (constants cost nothing here)
   * @param maxFused the most steps a group takes
   * @param minSize the fewest values per sample of a fused step
   */
  FusionGroups(List<Step> steps, List<int[]> stepOutSlots, int slots, int[] outputSlots,
      IntUnaryOperator slotSize, IntPredicate batchedSlot, int maxFused, int minSize) {
    this.steps = steps;
    this.stepOutSlots = stepOutSlots;
    this.slotSize = slotSize;
    this.batchedSlot = batchedSlot;
    this.maxFused = maxFused;
    this.minSize = minSize;
    this.isOutput = new boolean[slots];
    for (int s : outputSlots) {
      isOutput[s] = true;
    }
    this.producer = new int[slots];
    Arrays.fill(producer, -1);
    int[] count = new int[slots];
    for (int i = 0; i < steps.size(); i++) {
      for (int s : stepOutSlots.get(i)) {
        producer[s] = i;
      }
      for (int r : steps.get(i).reads()) {
        count[r]++;
      }
    }
    this.readers = new int[slots][];
    for (int s = 0; s < slots; s++) {
      readers[s] = new int[count[s]];
      count[s] = 0;
    }
    for (int i = 0; i < steps.size(); i++) {
      for (int r : steps.get(i).reads()) {
        if (count[r] == 0 || readers[r][count[r] - 1] != i) { // a step reading a slot twice counts once
          readers[r][count[r]++] = i;
        }
      }
    }
    for (int s = 0; s < slots; s++) {
      readers[s] = Arrays.copyOf(readers[s], count[s]);
    }
  }

  /** The cheaper of the early and late groupings (the early one on a tie). */
  Grouping best() {
    String only = System.getProperty("batchjac.fusion.grouping", "best"); // early, late: for A/B
    Grouping early = only.equals("late") ? null : greedy(true);
    Grouping late = only.equals("early") ? null : greedy(false);
    return early == null ? late : late == null || late.cost() >= early.cost() ? early : late;
  }

  /**
   * The early ({@code early}: steps scanned first to last, a group runs at its first step) or the
   * late grouping (last to first, a group runs at its last step): each fusable step joins the open group of its size if it
   * may ({@link #joinsEarly} or {@link #joinsLate}) and the group is not full, else opens one.
   * Members are kept in plan order.
   */
  private Grouping greedy(boolean early) {
    int count = steps.size();
    int[] groupOf = new int[count];
    Arrays.fill(groupOf, -1);
    List<List<Integer>> groups = new ArrayList<>();
    Map<Integer, Integer> open = new HashMap<>();
    for (int n = 0; n < count; n++) {
      int i = early ? n : count - 1 - n;
      int size = fusableSize(steps.get(i));
      if (size < 0) {
        continue;
      }
      Integer g = open.get(size);
      if (g == null || groups.get(g).size() >= maxFused
          || !(early ? joinsEarly(i, groups.get(g), groupOf, g) : joinsLate(i, groups.get(g), groupOf, g))) {
        groups.add(new ArrayList<>());
        g = groups.size() - 1;
        open.put(size, g);
      }
      groups.get(g).add(early ? groups.get(g).size() : 0, i);
      groupOf[i] = g;
    }
    return finish(groups, groupOf, early);
  }

  /** Every batched value step i reads is computed before the group's first step or inside it. */
  private boolean joinsEarly(int i, List<Integer> group, int[] groupOf, int g) {
    int first = group.get(0);
    for (int r : steps.get(i).reads()) {
      int p = producer[r];
      if (p >= first && groupOf[p] != g) {
        return false;
      }
    }
    return true;
  }

  /** No step outside the group reads step i's value before the group's last step. */
  private boolean joinsLate(int i, List<Integer> group, int[] groupOf, int g) {
    int last = group.get(group.size() - 1);
    for (int j : readers[stepOutSlots.get(i)[0]]) {
      if (j <= last && groupOf[j] != g) {
        return false;
      }
    }
    return true;
  }

  private Grouping finish(List<List<Integer>> groups, int[] groupOf, boolean early) {
    int[] runsAt = new int[groups.size()];
    int[] size = new int[groups.size()];
    long cost = 0;
    for (int g = 0; g < groups.size(); g++) {
      List<Integer> members = groups.get(g);
      runsAt[g] = early ? members.get(0) : members.get(members.size() - 1);
      size[g] = fusableSize(steps.get(members.get(0)));
      if (!fused(members)) {
        groupOf[members.get(0)] = -1;
      }
    }
    boolean[] written = new boolean[steps.size()];
    for (int i = 0; i < steps.size(); i++) {
      written[i] = groupOf[i] >= 0 && written(i, groupOf[i], groupOf);
    }
    int[] countedFor = new int[producer.length]; // the group (+1) a read slot was last counted for
    for (int g = 0; g < groups.size(); g++) {
      List<Integer> members = groups.get(g);
      cost += fused(members) ? traffic(members, g, groupOf, written, countedFor) : alone(members.get(0));
    }
    return new Grouping(groups, groupOf, runsAt, size, written, cost);
  }

  /** Whether a group becomes a {@link FusedStep} (groups of one stay steps, unless worth it alone). */
  private boolean fused(List<Integer> members) {
    return members.size() >= 2 || worthAlone(steps.get(members.get(0)));
  }

  /** Whether member {@code m} of group {@code g} writes its value to memory. */
  private boolean written(int m, int g, int[] groupOf) {
    int slot = stepOutSlots.get(m)[0];
    if (isOutput[slot]) {
      return true;
    }
    for (int j : readers[slot]) {
      if (groupOf[j] != g) {
        return true;
      }
    }
    return false;
  }

  /** Values a fusable step left alone moves: its batched reads and its write. */
  private long alone(int i) {
    long c = 0;
    for (int r : steps.get(i).reads()) {
      c += batchedSlot.test(r) ? slotSize.applyAsInt(r) : 0;
    }
    return c + slotSize.applyAsInt(stepOutSlots.get(i)[0]);
  }

  /** Values a fused group moves: the batched values it reads from outside, and those it writes. */
  private long traffic(List<Integer> members, int g, int[] groupOf, boolean[] written, int[] countedFor) {
    long c = 0;
    for (int m : members) {
      for (int r : steps.get(m).reads()) {
        int p = producer[r];
        if (batchedSlot.test(r) && (p < 0 || groupOf[p] != g) && countedFor[r] != g + 1) {
          countedFor[r] = g + 1;
          c += slotSize.applyAsInt(r);
        }
      }
      if (written[m]) {
        c += slotSize.applyAsInt(stepOutSlots.get(m)[0]);
      }
    }
    return c;
  }

  /**
   * True when a step is worth running as generated code even alone: a strong-zero product
   * ({@code zmul}, {@code zdiv}) of an array, whose fused form is a vectorized plain pass (the
   * interpreter's loop keeps a running minimum alongside, which Java 17 does not vectorize well).
   */
  private static boolean worthAlone(Step s) {
    return s instanceof BinaryStep b && b.definition().strongZero() && (b.a().batched() || b.a().size() > 1);
  }

  /** The per-sample size of a step a group may take, or -1. */
  private int fusableSize(Step s) {
    int size = -1;
    if (s instanceof UnaryStep u && u.out().batched()) {
      size = u.out().size();
    } else if (s instanceof BinaryStep b && b.fusable()) {
      size = b.out().size();
    }
    return size >= minSize ? size : -1;
  }
}
