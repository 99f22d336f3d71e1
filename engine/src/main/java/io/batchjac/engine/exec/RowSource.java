package io.batchjac.engine.exec;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.KernelSource;
import io.batchjac.engine.exec.RowCode.Generated;
import io.batchjac.engine.exec.RowCode.Stmt;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;

/**
 * The class text of a row program from its statements ({@link RowCode}): cuts them into
 * segments (a static method each: every tile-kernel call alone, the statements between them in
 * methods of at most {@link RowCode#PART_BUDGET} units), gives every value read outside its
 * segment a block array of the thread's {@link io.batchjac.engine.codegen.RowScratch}, and writes
 * {@code row} (every segment on a block of one sample) and {@code rows} (blocks of
 * {@link io.batchjac.engine.codegen.RowScratch#BLOCK} samples).
 */
final class RowSource {
  private static final java.util.regex.Pattern REF = RowCode.REF;

  private final List<Stmt> stmts;
  /** Per value id: its load expression for an input element, else null (a computed value). */
  private final List<String> loads;
  private final Map<Definition, String> fnames;

  RowSource(List<Stmt> stmts, List<String> loads, Map<Definition, String> fnames) {
    this.stmts = stmts;
    this.loads = loads;
    this.fnames = fnames;
  }

  Generated assemble() {
    int values = loads.size();
    // segments: each tile-kernel call alone, else runs of statements within the budget
    int[] segOf = new int[stmts.size()];
    int seg = -1;
    int used = RowCode.PART_BUDGET;
    for (int i = 0; i < stmts.size(); i++) {
      Stmt s = stmts.get(i);
      boolean tile = s.kernel() != null;
      if (tile || used + s.cost() > RowCode.PART_BUDGET || (i > 0 && stmts.get(i - 1).kernel() != null)) {
        seg++;
        used = 0;
      }
      used += s.cost();
      segOf[i] = seg;
    }
    int segments = seg + 1;
    int[] defSeg = new int[values];
    Arrays.fill(defSeg, -1);
    for (int i = 0; i < stmts.size(); i++) {
      for (int d : stmts.get(i).defs()) {
        defSeg[d] = segOf[i];
      }
    }
    // block arrays: computed values read in another segment, tile operands and results
    int[] blockOf = new int[values];
    Arrays.fill(blockOf, -1);
    int[] blocks = {0};
    int[] stagedOf = new int[stmts.size()];
    Arrays.fill(stagedOf, -1);
    for (int i = 0; i < stmts.size(); i++) {
      Stmt s = stmts.get(i);
      if (s.kernel() != null) {
        for (int d : s.defs()) {
          blockOf[d] = blocks[0]++;
        }
        int v = refId(s.operand());
        if (v >= 0 && loads.get(v) == null) {
          if (blockOf[v] < 0) {
            blockOf[v] = blocks[0]++;
          }
        } else {
          stagedOf[i] = blocks[0]++; // an input element or a literal, copied in per block
        }
        continue;
      }
      Matcher m = REF.matcher(s.text());
      while (m.find()) {
        int v = Integer.parseInt(m.group(1));
        if (loads.get(v) == null && defSeg[v] != segOf[i] && blockOf[v] < 0) {
          blockOf[v] = blocks[0]++;
        }
      }
    }
    StringBuilder methods = new StringBuilder();
    boolean[] here = new boolean[values];
    for (int g = 0; g < segments; g++) {
      methods.append("  private static void s").append(g).append("(double[] x, int xo0, int xw, double[] e, int eo0,"
          + " int ew, double[] out, int oo0, int ow, int m, RowScratch w) {\n");
      int first = -1;
      for (int i = 0; i < stmts.size() && first < 0; i++) {
        first = segOf[i] == g ? i : -1;
      }
      Stmt t = stmts.get(first);
      if (t.kernel() != null) {
        tileSegment(methods, t, stagedOf[first], blockOf);
      } else {
        loopSegment(methods, g, segOf, blockOf, here);
      }
      methods.append("  }\n");
    }
    StringBuilder src = new StringBuilder();
    src.append("import io.batchjac.engine.codegen.RowScratch;\n");
    src.append("public final class Row extends io.batchjac.engine.codegen.RowKernel {\n");
    for (Map.Entry<Definition, String> e : fnames.entrySet()) {
      src.append(KernelSource.functions(e.getKey(), e.getValue()));
    }
    src.append(methods);
    src.append("  public void row(double[] x, int xo, double[] e, int eo, double[] out, int oo, RowScratch w) {\n");
    for (int g = 0; g < segments; g++) {
      src.append("    s").append(g).append("(x, xo, 0, e, eo, 0, out, oo, 0, 1, w);\n");
    }
    src.append("  }\n");
    src.append("  public void rows(double[] x, int xw, double[] e, int ew, double[] out, int ow, int from, int to,"
        + " RowScratch w) {\n");
    src.append("    for (int b0 = from; b0 < to; b0 += RowScratch.BLOCK) {\n");
    src.append("      int m = Math.min(RowScratch.BLOCK, to - b0);\n");
    for (int g = 0; g < segments; g++) {
      src.append("      s").append(g).append("(x, b0 * xw, xw, e, b0 * ew, ew, out, b0 * ow, ow, m, w);\n");
    }
    src.append("    }\n  }\n}\n");
    return new Generated(src.toString(), "Row", blocks[0], stmts.size());
  }

  /** A tile kernel on the block's values of its operand (staged first when an input or literal). */
  private void tileSegment(StringBuilder out, Stmt t, int staged, int[] blockOf) {
    int v = refId(t.operand());
    String in;
    if (staged >= 0) {
      String value = v >= 0 ? loads.get(v).replace("[xo + ", "[xo0 + i * xw + ").replace("[eo + ", "[eo0 + i * ew + ")
          : t.operand();
      out.append("    double[] in = w.blocks[").append(staged).append("];\n");
      out.append("    for (int i = 0; i < m; i++) in[i] = ").append(value).append(";\n");
      in = "in";
    } else {
      in = "w.blocks[" + blockOf[v] + "]";
    }
    StringBuilder args = new StringBuilder(in);
    for (int d : t.defs()) {
      args.append(", w.blocks[").append(blockOf[d]).append(']');
    }
    out.append("    ").append(t.kernel()).append('(').append(args).append(", m, w.scratch);\n");
  }

  /** A loop over the block's samples running segment g's statements on each. */
  private void loopSegment(StringBuilder out, int g, int[] segOf, int[] blockOf, boolean[] here) {
    Arrays.fill(here, false);
    StringBuilder body = new StringBuilder();
    java.util.Set<Integer> arrays = new java.util.TreeSet<>();
    for (int i = 0; i < stmts.size(); i++) {
      if (segOf[i] != g) {
        continue;
      }
      Stmt s = stmts.get(i);
      Matcher m = REF.matcher(s.text());
      while (m.find()) {
        int v = Integer.parseInt(m.group(1));
        if (here[v] || isDefinedBy(s, v)) {
          continue;
        }
        here[v] = true;
        String from;
        if (loads.get(v) != null) {
          from = loads.get(v);
        } else {
          arrays.add(blockOf[v]);
          from = "b" + blockOf[v] + "[i]";
        }
        body.append("      double v").append(v).append(" = ").append(from).append(";\n");
      }
      body.append("      ").append(REF.matcher(s.text()).replaceAll("v$1")).append('\n');
      for (int d : s.defs()) {
        here[d] = true;
        if (blockOf[d] >= 0) {
          arrays.add(blockOf[d]);
          body.append("      b").append(blockOf[d]).append("[i] = v").append(d).append(";\n");
        }
      }
    }
    for (int a : arrays) {
      out.append("    double[] b").append(a).append(" = w.blocks[").append(a).append("];\n");
    }
    out.append("    for (int i = 0; i < m; i++) {\n");
    out.append("      int xo = xo0 + i * xw;\n      int eo = eo0 + i * ew;\n      int oo = oo0 + i * ow;\n");
    out.append(body).append("    }\n");
  }

  /** The value id of a {@code $id$} reference, or -1 for a literal. */
  private static int refId(String ref) {
    return ref.startsWith("$") ? id(ref) : -1;
  }

  private static boolean isDefinedBy(Stmt s, int v) {
    for (int d : s.defs()) {
      if (d == v) {
        return true;
      }
    }
    return false;
  }

  private static int id(String ref) {
    return RowCode.id(ref);
  }
}
