package io.batchjac.engine.exec;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.KernelSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The Java source of a {@link RowProgram}: a {@link io.batchjac.engine.codegen.RowKernel} whose
 * {@code row} computes ONE sample of a compiled {@link Plan} as straight-line code. Every element
 * of every per-sample value is a local double (a value of 3 elements is 3 locals), every
 * sample-independent value (hoisted by the plan, computed once at compilation) is a literal of
 * its exact bits, and the statements follow the plan's steps in order, element by element.
 *
 * <p><b>Order of operations</b> (why the values are bitwise the interpreter's). Per element each
 * step does exactly the IEEE operations of the interpreter's kernel on the same operands:
 * <ul>
 *   <li>elementwise primitives call the primitive's scalar function generated from its one
 *       definition ({@link KernelSource#functions}); a primitive with a tile kernel (sin, cos,
 *       tanh) calls that kernel on a tile of one value, and sin with cos of the same operand
 *       ({@link SinCosStep}) calls {@code VecMath.sinCos} on one value, as the interpreter does on
 *       its tiles (VecMath's kernels work value by value);</li>
 *   <li>binary steps read their operands through {@link BinaryStep#route()}, the interpreter's own
 *       layout decisions, including its product without strong zero when a repeated factor is
 *       finite (decided per sample, from the same values);</li>
 *   <li>a sum over axes is {@code ((0.0 + v0) + v1) + ...} in increasing input index, the
 *       interpreter's accumulation order; gathers (transpose, broadcast, slice, pad) and
 *       concatenation runs the interpreter copies are plain references to the same value;
 *       concatenated values it adds a zero to get the same {@code v + 0.0} or {@code v + -0.0};</li>
 *   <li>{@code where} selects the same operand value.</li>
 * </ul>
 * Java's double arithmetic is strict and HotSpot does not contract {@code a * b + c} into an fma,
 * so the same operations give the same bits in any context. Nothing depends on other samples, so
 * chunking and threads do not change any value.
 *
 * <p><b>Not supported</b> (the generator returns null and callers keep the interpreter): matrix
 * products (BLAS rounds in its own order, which a generated loop cannot reproduce bitwise), fused
 * groups (a row program is made from the unfused plan), and plans of more than
 * {@link #MAX_STATEMENTS} element statements (big tensors: the interpreter's vectorized passes
 * are the right tool there).
 *
 * <p><b>Shape of the code</b> (the class text is written by {@link RowSource}). The statements
 * are cut into <em>segments</em>, each a static method: every call of a tile kernel is a segment
 * of its own, the statements between them are
 * cut into segments of at most {@link #PART_BUDGET} units (about 10 bytes of bytecode each), so
 * every method stays far below HotSpot's 8 KB limit on compiled methods. A segment runs on a
 * <em>block</em> of samples: a statement segment is a loop over the block's samples computing
 * each sample's statements in local variables; a tile segment calls the vectorized kernel once on
 * the block's values. A value read in another segment than its own goes through a block array of
 * the thread's {@link io.batchjac.engine.codegen.RowScratch}. {@code row} runs every segment on a
 * block of one sample; {@code rows} runs blocks of {@link io.batchjac.engine.codegen.RowScratch#BLOCK}
 * samples, so that the tile kernels run vectorized on batches.
 */
final class RowCode {
  private RowCode() {}

  /** Plans with more element statements than this are not generated. */
  static final int MAX_STATEMENTS = 4096;

  /** Cost units (about one per operand, a few per call) per generated method. */
  static final int PART_BUDGET = 200;

  /** The generated source, its class name, the number of block arrays it needs and its statement count. */
  record Generated(String text, String className, int blocks, int statements) {}

  /** A value reference {@code $id$} in a statement's text. */
  static final Pattern REF = Pattern.compile("\\$(\\d+)\\$");

  /**
   * One statement: the values it defines, its text with {@code $id$} for values, its cost; or a
   * call of a tile kernel ({@code kernel} not null) on the block's values of {@code operand}
   * (a {@code $id$} or a literal) defining one value (sin, cos, tanh, exp, sigmoid, log) or two (sinCos).
   */
  record Stmt(int[] defs, String text, int cost, String kernel, String operand) {
    Stmt(int[] defs, String text, int cost) {
      this(defs, text, cost, null, null);
    }
  }

  /**
   * @param inputs per graph input of the plan, where it is read (entries of unused inputs may be null)
   * @param outputs per output of the plan, where its values go in a sample's block (data and
   *     sample stride are ignored)
   * @return the source, or null when the plan has a step this generator does not support
   */
  static Generated generate(Plan plan, RowProgram.Input[] inputs, Binding[] outputs) {
    return new Builder(plan).build(inputs, outputs);
  }

  private static final class Builder {
    private final Plan plan;
    /** Per slot of a per-sample value: each element's reference, a {@code $id$} or a literal. */
    private final String[][] refs;
    /** Per value id: its load expression for an input element, else null (a computed value). */
    private final List<String> loads = new ArrayList<>();
    private final List<Stmt> stmts = new ArrayList<>();
    private final Map<Definition, String> fnames = new LinkedHashMap<>();

    Builder(Plan plan) {
      this.plan = plan;
      this.refs = new String[plan.slots()][];
    }

    Generated build(RowProgram.Input[] inputs, Binding[] outputs) {
      for (int i = 0; i < plan.inputCount(); i++) {
        int s = plan.inputSlot(i);
        if (s < 0 || inputs[i] == null) {
          continue;
        }
        String[] r = new String[plan.slotSize(s)];
        for (int k = 0; k < r.length; k++) {
          RowProgram.Input src = inputs[i];
          r[k] = "$" + loads.size() + "$";
          loads.add(src.extra() ? "e[eo + " + (src.offset() + k) + "]" : "x[xo + " + (src.offset() + k) + "]");
        }
        refs[s] = r;
      }
      for (Step step : plan.steps()) {
        if (!emit(step) || stmts.size() > MAX_STATEMENTS) {
          return null;
        }
      }
      for (int i = 0; i < plan.outputCount(); i++) {
        if (outputs[i] != null) {
          write(plan.outputSlot(i), outputs[i]);
        }
      }
      return new RowSource(stmts, loads, fnames).assemble();
    }

    // ---------------------------------------------------------------- statements per step

    private boolean emit(Step step) {
      if (step instanceof UnaryStep u) {
        unary(u);
      } else if (step instanceof BinaryStep b) {
        binary(b);
      } else if (step instanceof SinCosStep sc) {
        sinCos(sc.operands());
      } else if (step instanceof WhereStep w) {
        where(w.operands(), w.maps());
      } else if (step instanceof GatherStep g) {
        gather(g);
      } else if (step instanceof ReduceSumStep r) {
        reduce(r);
      } else if (step instanceof ConcatStep c) {
        concat(c);
      } else {
        return false; // matrix products, fused groups, anything new
      }
      return true;
    }

    private void unary(UnaryStep u) {
      Definition d = u.definition();
      String f = fname(d);
      String[] out = define(u.out());
      for (int i = 0; i < out.length; i++) {
        String x = ref(u.x(), i);
        if (d.tileKernel() != null) {
          stmts.add(new Stmt(new int[] {id(out[i])}, "", 0, d.tileKernel(), x));
        } else {
          statement(out[i], "double " + out[i] + " = " + f + "(" + x + ");", 3);
        }
      }
    }

    private void binary(BinaryStep b) {
      Definition d = b.definition();
      String f = fname(d);
      BinaryStep.Route route = b.route();
      String[] out = define(b.out());
      for (int i = 0; i < out.length; i++) {
        String value = f + "(" + ref(b.a(), route.ia()[i]) + ", " + ref(b.b(), route.ib()[i]) + ")";
        statement(out[i], "double " + out[i] + " = " + value + ";", 4);
      }
    }

    private void sinCos(Operand[] ops) {
      String[] sin = define(ops[1]);
      String[] cos = define(ops[2]);
      for (int i = 0; i < sin.length; i++) {
        stmts.add(new Stmt(new int[] {id(sin[i]), id(cos[i])}, "", 0, "io.batchjac.engine.math.VecMath.sinCos",
            ref(ops[0], i)));
      }
    }

    private void where(Operand[] ops, int[][] maps) {
      String[] out = define(ops[3]);
      for (int i = 0; i < out.length; i++) {
        statement(out[i], "double " + out[i] + " = " + ref(ops[0], maps[0][i]) + " != 0 ? " + ref(ops[1], maps[1][i])
            + " : " + ref(ops[2], maps[2][i]) + ";", 5);
      }
    }

    private void gather(GatherStep g) {
      int[] map = g.map();
      String[] out = new String[map.length];
      for (int i = 0; i < map.length; i++) {
        out[i] = map[i] < 0 ? "0.0" : ref(g.in(), map[i]); // a copy: the same value
      }
      refs[g.out().slot()] = out;
    }

    private void reduce(ReduceSumStep r) {
      int[] map = r.map();
      StringBuilder[] sums = new StringBuilder[r.out().size()];
      int[] terms = new int[sums.length];
      for (int j = 0; j < sums.length; j++) {
        sums[j] = new StringBuilder("0.0");
      }
      for (int i = 0; i < map.length; i++) {
        sums[map[i]].append(" + ").append(ref(r.in(), i));
        terms[map[i]]++;
      }
      String[] out = define(r.out());
      for (int j = 0; j < out.length; j++) {
        statement(out[j], "double " + out[j] + " = " + sums[j] + ";", 2 + 2 * terms[j]);
      }
    }

    private void concat(ConcatStep c) {
      Operand[] ins = c.ins();
      int[] inner = c.inner();
      int n = c.out().size();
      int outer = c.outer();
      int row = n / Math.max(1, outer);
      String[] out = new String[n];
      String zero = literal(c.zero());
      int col = 0;
      for (int j = 0; j < ins.length; j++) {
        for (int o = 0; o < outer; o++) {
          for (int t = 0; t < inner[j]; t++) {
            String v = ref(ins[j], o * inner[j] + t);
            int at = o * row + col + t;
            if (c.copies(j)) {
              out[at] = v;
            } else {
              out[at] = newValue();
              statement(out[at], "double " + out[at] + " = " + v + " + " + zero + ";", 3);
            }
          }
        }
        col += inner[j];
      }
      refs[c.out().slot()] = out;
    }

    private void write(int slot, Binding b) {
      int size = plan.slotSize(slot);
      for (int e = 0; e < size; e++) {
        int at = b.offset() + (e / b.rowLen()) * b.rowStride() + e % b.rowLen();
        String v = plan.constant(slot) != null ? literal(plan.constant(slot)[e]) : refs[slot][e];
        stmts.add(new Stmt(new int[0], "out[oo + " + at + "] = " + v + ";", 3));
      }
    }

    // ---------------------------------------------------------------- values

    /** Element i of an operand: its value's reference, or a literal for a sample-independent one. */
    private String ref(Operand o, int i) {
      if (!o.batched()) {
        return literal(plan.constant(o.slot())[i]);
      }
      return refs[o.slot()][i];
    }

    /** New values for every element of a step's output slot. */
    private String[] define(Operand out) {
      String[] r = new String[out.size()];
      for (int i = 0; i < r.length; i++) {
        r[i] = newValue();
      }
      refs[out.slot()] = r;
      return r;
    }

    private String newValue() {
      loads.add(null);
      return "$" + (loads.size() - 1) + "$";
    }

    private void statement(String def, String text, int cost) {
      stmts.add(new Stmt(new int[] {id(def)}, text, cost));
    }

    private String fname(Definition d) {
      return fnames.computeIfAbsent(d, x -> "f" + fnames.size());
    }
  }

  /** The value id of a {@code $id$} reference. */
  static int id(String ref) {
    return Integer.parseInt(ref.substring(1, ref.length() - 1));
  }

  /** A Java expression of exactly this double: its literal, or its bits for a NaN. */
  static String literal(double v) {
    if (Double.isNaN(v)) {
      return "Double.longBitsToDouble(0x" + Long.toHexString(Double.doubleToRawLongBits(v)) + "L)";
    }
    return Definition.literal(v);
  }
}
