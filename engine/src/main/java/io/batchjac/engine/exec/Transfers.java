package io.batchjac.engine.exec;

import java.util.ArrayList;
import java.util.List;

/**
 * How one run moves values between the callers' arrays and a chunk's slots. Contiguous inputs
 * and outputs are used in place; other bindings are gathered into (scattered from) the frame's
 * own buffers.
 *
 * <p>Scalar bindings (one value per sample) of the same array with the same sample stride, as
 * when a function has N scalar inputs read from the rows of an (B, N) matrix or its gradient is
 * written into (N, B) Fortran order, move together: one pass over the chunk's rows reads or writes
 * all of them, block by block of rows that stay in L1, where one strided pass per binding over the
 * whole chunk would bring every row into L1 N times (measured on the Borehole Jacobian: 38% of the run before, see the README).
 */
final class Transfers {
  private final Plan plan;
  private final Binding[] inputs;
  private final Binding[] outputs;
  /** Inputs read one by one (the rest are in {@link #inputColumns}). */
  private final boolean[] inputAlone;
  private final List<Columns> inputColumns = new ArrayList<>();
  private final boolean[] outputAlone;
  private final List<Columns> outputColumns = new ArrayList<>();

  /** Scalar bindings of one array and sample stride: binding {@code which[j]} at {@code offsets[j]}. */
  /** Runs of fewer samples move every binding on its own. */
  static final int GROUP_MIN = 256;

  /** Samples per block of a grouped transfer: their rows stay in L1 while each binding moves. */
  private static final int BLOCK = 64;

  private record Columns(double[] data, int stride, int[] offsets, int[] which) {}

  /**
   * @param batch the run's number of samples: below {@link #GROUP_MIN} nothing is grouped (for
   *     one row at a time, as SQL functions run, grouping costs more than it saves)
   */
  Transfers(Plan plan, Binding[] inputs, Binding[] outputs, int batch) {
    this.plan = plan;
    this.inputs = inputs;
    this.outputs = outputs;
    boolean group = batch >= GROUP_MIN;
    boolean[] inGroupable = new boolean[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      Binding b = inputs[i];
      inGroupable[i] = group && b != null && plan.inputSlot(i) >= 0 && !b.inPlace() && b.size() == 1;
    }
    inputAlone = group(inputs, inGroupable, inputColumns);
    boolean[] outGroupable = new boolean[outputs.length];
    for (int i = 0; i < outputs.length; i++) {
      Binding b = outputs[i];
      outGroupable[i] = group && b != null && !b.inPlace() && b.size() == 1 && plan.outputBatched(i);
    }
    outputAlone = group(outputs, outGroupable, outputColumns);
  }

  /** Groups the groupable bindings by (array, stride); returns which bindings stay alone. */
  private static boolean[] group(Binding[] bindings, boolean[] groupable, List<Columns> groups) {
    boolean[] alone = new boolean[bindings.length];
    boolean[] done = new boolean[bindings.length];
    for (int i = 0; i < bindings.length; i++) {
      if (!groupable[i]) {
        alone[i] = true;
        continue;
      }
      if (done[i]) {
        continue;
      }
      List<Integer> members = new ArrayList<>(List.of(i));
      for (int j = i + 1; j < bindings.length; j++) {
        if (groupable[j] && !done[j] && bindings[j].data() == bindings[i].data()
            && bindings[j].sampleStride() == bindings[i].sampleStride()) {
          members.add(j);
          done[j] = true;
        }
      }
      if (members.size() == 1) {
        alone[i] = true;
        continue;
      }
      int[] offsets = new int[members.size()];
      int[] which = new int[members.size()];
      for (int k = 0; k < which.length; k++) {
        which[k] = members.get(k);
        offsets[k] = bindings[which[k]].offset();
      }
      groups.add(new Columns(bindings[i].data(), bindings[i].sampleStride(), offsets, which));
    }
    return alone;
  }

  /** Points input slots at the callers' arrays (contiguous chunks) or gathers into the frame's own. */
  void bindInputs(Frame f, int b0, int c) {
    double[][] own = f.own;
    for (int i = 0; i < inputs.length; i++) {
      int s = plan.inputSlot(i);
      if (s < 0 || inputs[i] == null) {
        continue;
      }
      Binding in = inputs[i];
      if (in.inPlace()) {
        f.buf[s] = in.data();
        f.off[s] = in.offset() + b0 * in.sampleStride();
      } else {
        f.buf[s] = own[s];
        f.off[s] = 0;
        if (inputAlone[i]) {
          in.gather(b0, c, own[s], 0);
        }
      }
    }
    for (Columns g : inputColumns) {
      double[][] dst = new double[g.which().length][];
      for (int j = 0; j < dst.length; j++) {
        dst[j] = own[plan.inputSlot(g.which()[j])];
      }
      double[] data = g.data();
      int[] offs = g.offsets();
      int stride = g.stride();
      for (int t0 = 0; t0 < c; t0 += BLOCK) {
        int n = Math.min(BLOCK, c - t0);
        int first = (b0 + t0) * stride;
        for (int j = 0; j < offs.length; j++) {
          double[] d = dst[j];
          int from = first + offs[j];
          for (int t = 0; t < n; t++) {
            d[t0 + t] = data[from + t * stride];
          }
        }
      }
    }
  }

  /** Points output slots at the callers' arrays where they are contiguous; true where so. */
  boolean[] bindOutputs(Frame f, int b0) {
    boolean[] direct = new boolean[outputs.length];
    for (int i = 0; i < outputs.length; i++) {
      Binding out = outputs[i];
      int s = plan.outputSlot(i);
      if (out != null && out.inPlace() && plan.outputOwnsSlot(i)) {
        f.buf[s] = out.data();
        f.off[s] = out.offset() + b0 * out.sampleStride();
        direct[i] = true;
      } else if (plan.outputOwnsSlot(i)) {
        f.buf[s] = f.own[s]; // never a caller's array left from an earlier (failed) run
        f.off[s] = 0;
      }
    }
    return direct;
  }

  /** Scatters the outputs not computed in place, and unbinds the callers' arrays. */
  void writeOutputs(Frame f, int b0, int c, boolean[] direct) {
    for (int i = 0; i < outputs.length; i++) {
      Binding out = outputs[i];
      if (out == null) {
        continue;
      }
      int s = plan.outputSlot(i);
      if (direct[i]) {
        f.buf[s] = f.own[s];
        f.off[s] = 0;
      } else if (outputAlone[i]) {
        out.scatter(b0, c, f.buf[s], f.off[s], plan.outputBatched(i) ? out.size() : 0);
      }
    }
    for (Columns g : outputColumns) {
      double[][] src = new double[g.which().length][];
      int[] srcOff = new int[src.length];
      for (int j = 0; j < src.length; j++) {
        int s = plan.outputSlot(g.which()[j]);
        src[j] = f.buf[s];
        srcOff[j] = f.off[s];
      }
      double[] data = g.data();
      int[] offs = g.offsets();
      int stride = g.stride();
      for (int t0 = 0; t0 < c; t0 += BLOCK) {
        int n = Math.min(BLOCK, c - t0);
        int first = (b0 + t0) * stride;
        for (int j = 0; j < offs.length; j++) {
          double[] sj = src[j];
          int from = srcOff[j] + t0;
          int to = first + offs[j];
          for (int t = 0; t < n; t++) {
            data[to + t * stride] = sj[from + t];
          }
        }
      }
    }
  }
}
