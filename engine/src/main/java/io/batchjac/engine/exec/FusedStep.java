package io.batchjac.engine.exec;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.JavaCompiler;
import io.batchjac.engine.codegen.TileProgram;
import java.util.ArrayList;
import java.util.List;

/**
 * A group of batched elementwise steps ({@link UnaryStep}s and {@link BinaryStep#fusable() fusable}
 * {@link BinaryStep}s: every operand batched of the output's size, a constant, or a per-sample
 * value repeating over the output's rows) run as one step by generated code
 * ({@link FusedCode}), tile by tile over the chunk's values, without buffers for the values only
 * the group uses. Values read outside the group (or outputs of the plan) are still written to
 * their slots. Bitwise the values of the steps it replaces.
 */
final class FusedStep extends Step {
  private final TileProgram program;
  private final int tiles;
  private final int[] inputSlots;
  private final int[] outputSlots;
  private final int[] scalarSlots;
  private final int size;
  private final List<String> names;

  private FusedStep(int[] reads, TileProgram program, int tiles, int[] inputSlots, int[] outputSlots,
      int[] scalarSlots, int size, List<String> names) {
    super(operands(reads));
    this.program = program;
    this.tiles = tiles;
    this.inputSlots = inputSlots;
    this.outputSlots = outputSlots;
    this.scalarSlots = scalarSlots;
    this.size = size;
    this.names = names;
  }

  private static Operand[] operands(int[] slots) {
    Operand[] o = new Operand[slots.length];
    for (int i = 0; i < slots.length; i++) {
      o[i] = new Operand(slots[i], 1, true);
    }
    return o;
  }

  /**
   * Fuses {@code members} (in plan order, all of per-sample output size {@code size}).
   *
   * @param writtenOut per member: true when its value is read outside the group
   */
  static FusedStep of(List<Step> members, boolean[] writtenOut, int size) {
    List<Integer> inputs = new ArrayList<>();
    List<Integer> scalars = new ArrayList<>();
    List<Integer> outs = new ArrayList<>();
    List<Integer> memberSlots = new ArrayList<>();
    List<FusedCode.Repeat> repeats = new ArrayList<>();
    List<FusedCode.Member> code = new ArrayList<>();
    List<String> names = new ArrayList<>();
    int[] written = new int[members.size()];
    for (int i = 0; i < members.size(); i++) {
      Step s = members.get(i);
      Definition d;
      Operand[] args;
      Operand out;
      if (s instanceof UnaryStep u) {
        d = u.definition();
        args = new Operand[] {u.x()};
        out = u.out();
      } else {
        BinaryStep b = (BinaryStep) s;
        d = b.definition();
        args = new Operand[] {b.a(), b.b()};
        out = b.out();
      }
      FusedCode.Ref[] refs = new FusedCode.Ref[args.length];
      for (int k = 0; k < args.length; k++) {
        refs[k] = ref(args[k], size, memberSlots, inputs, repeats, scalars);
      }
      code.add(new FusedCode.Member(d, refs));
      names.add(d.name());
      memberSlots.add(out.slot());
      written[i] = writtenOut[i] ? outs.size() : -1;
      if (writtenOut[i]) {
        outs.add(out.slot());
      }
    }
    FusedCode.Source src = FusedCode.generate(code, inputs.size(), written,
        repeats.toArray(new FusedCode.Repeat[0]));
    TileProgram program = JavaCompiler.instance(src.text(), src.className(), TileProgram.class);
    List<Integer> reads = new ArrayList<>(inputs);
    reads.addAll(scalars);
    return new FusedStep(toArray(reads), program, src.tiles(), toArray(inputs), toArray(outs), toArray(scalars),
        size, names);
  }

  /**
   * How a member reads operand {@code o}: a constant single value is a scalar; a member's value is
   * read in registers or from its tile; anything else is an external input, contiguous when it is
   * batched of the group's size, else repeating (a constant vector or matrix, a per-sample partial
   * shorter than the group's values: {@link FusedCode.Repeat}).
   */
  private static FusedCode.Ref ref(Operand o, int size, List<Integer> memberSlots, List<Integer> inputs,
      List<FusedCode.Repeat> repeats, List<Integer> scalars) {
    if (!o.batched() && o.size() == 1) {
      int k = scalars.indexOf(o.slot());
      if (k < 0) {
        scalars.add(o.slot());
        k = scalars.size() - 1;
      }
      return new FusedCode.Ref(FusedCode.Ref.Kind.SCALAR, k);
    }
    int m = memberSlots.lastIndexOf(o.slot());
    if (m >= 0) {
      return new FusedCode.Ref(FusedCode.Ref.Kind.MEMBER, m);
    }
    int k = inputs.indexOf(o.slot());
    if (k < 0) {
      inputs.add(o.slot());
      repeats.add(o.batched() && o.size() == size ? null : new FusedCode.Repeat(o.stride(), o.size(), size));
      k = inputs.size() - 1;
    }
    return new FusedCode.Ref(FusedCode.Ref.Kind.INPUT, k);
  }

  private static int[] toArray(List<Integer> l) {
    return l.stream().mapToInt(Integer::intValue).toArray();
  }

  /** The slots the group writes (its values read outside it). */
  int[] writes() {
    return outputSlots.clone();
  }

  /** The fused operations' names in order, e.g. {@code [exp, *, zmul]}. */
  List<String> names() {
    return names;
  }

  @Override
  void run(Frame f, int c) {
    double[][] arrays = new double[inputSlots.length + outputSlots.length][];
    int[] offsets = new int[arrays.length];
    for (int i = 0; i < inputSlots.length; i++) {
      arrays[i] = f.buf[inputSlots[i]];
      offsets[i] = f.off[inputSlots[i]];
    }
    for (int i = 0; i < outputSlots.length; i++) {
      arrays[inputSlots.length + i] = f.buf[outputSlots[i]];
      offsets[inputSlots.length + i] = f.off[outputSlots[i]];
    }
    double[] scalars = new double[scalarSlots.length];
    for (int i = 0; i < scalars.length; i++) {
      scalars[i] = f.buf[scalarSlots[i]][f.off[scalarSlots[i]]];
    }
    program.run(arrays, offsets, scalars, c * size, f.fusedTiles(tiles), f.tiles.scratch);
  }
}
