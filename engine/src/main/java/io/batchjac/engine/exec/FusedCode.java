package io.batchjac.engine.exec;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.KernelSource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The Java source of a fused group ({@link FusedStep}): a {@link io.batchjac.engine.codegen.TileProgram}
 * whose {@code run} walks the run of values tile by tile ({@link #TILE} values). Per tile it
 * copies the external inputs into tiles and runs the group's <em>segments</em> in order: a member
 * with a tile kernel (sin, cos, tanh, exp, sigmoid, log: VecMath's vectorized kernels) is a segment of its own, run
 * on whole tiles; every other run of consecutive members is one loop over the tile's elements
 * that computes the members one after the other in local variables, each with its definition's
 * scalar function ({@link KernelSource#functions}). A value is stored into a tile only when a
 * later segment reads it or it is written out (copied to its slot after its segment).
 *
 * <p>Order of operations: every element goes through exactly the IEEE operations of the
 * step-by-step interpreter's kernels, member after member in plan order (Java's double arithmetic
 * is strict, and C2 does not contract a product and a sum into an fma), so the values are bitwise
 * the interpreter's, whatever the tile, chunk or thread. The strong zero of zmul and zdiv
 * ({@code x == 0 ? 0.0 : ...}, whose select stops C2's vectorizer) runs first as the plain
 * expression, each such member also keeping per position of a guard tile the smallest |x| met
 * (an elementwise min: vectorized, unlike a running minimum, which Java 17 reduces across the
 * vector on every iteration); when, after the whole run, a guard holds a zero or NaN, the whole
 * run is done again with the definitions. Either way the values are the definition's.
 *
 * <p>Each segment is a small static method, so {@code run} stays far below the 8 KB of bytecode
 * beyond which HotSpot does not compile a method.
 */
final class FusedCode {
  private FusedCode() {}

  /** Values per tile: small enough that a group's live tiles stay in L1. */
  static final int TILE = 256;

  /** An operand of a member: input array {@code index}, scalar {@code index} or member {@code index}'s value. */
  record Ref(Kind kind, int index) {
    enum Kind { INPUT, SCALAR, MEMBER }
  }

  /** One fused operation: its definition and its operands (one or two). */
  record Member(Definition definition, Ref[] args) {}

  /**
   * How an external input that does not run alongside the group's values is read: value
   * {@code e} of sample {@code s} (samples of {@code size} values) is
   * {@code in[s * stride + e % period]}: a constant (stride 0) of the group's size or shorter (a
   * bias vector, a weight row), or a per-sample partial repeated over rows (stride = period).
   * Inputs without one are contiguous runs of the group's values.
   */
  record Repeat(int stride, int period, int size) {
    /** True when every tile holds the same values (filled once, before the first tile). */
    boolean sameEveryTile() {
      return stride == 0 && TILE % period == 0 && size % period == 0;
    }
  }

  /** The generated source, its class's name and the number of tiles it needs. */
  record Source(String text, String className, int tiles) {}

  /**
   * @param members the group's operations in execution order
   * @param inputs the number of external input arrays
   * @param written for each member, the index (among the output arrays) its value is copied to, or -1
   */
  static Source generate(List<Member> members, int inputs, int[] written) {
    return generate(members, inputs, written, perElement(), new Repeat[inputs]);
  }

  /** As {@link #generate(List, int, int[])}, with {@code repeats[j]} how input j is read (null: contiguous). */
  static Source generate(List<Member> members, int inputs, int[] written, Repeat[] repeats) {
    return generate(members, inputs, written, perElement(), repeats);
  }

  /**
   * Whether runs of members are computed per element in registers (true) or each member as a
   * loop of its own over tiles (false, the interpreter's vectorized loops, in L1): the system
   * property {@code batchjac.fusion.registers} (default true), read at each plan compilation.
   * The values are the same.
   */
  static boolean perElement() {
    return Boolean.parseBoolean(System.getProperty("batchjac.fusion.registers", "true"));
  }

  static Source generate(List<Member> members, int inputs, int[] written, boolean perElement, Repeat[] repeats) {
    int n = members.size();
    Map<Definition, String> fnames = new LinkedHashMap<>();
    for (Member m : members) {
      fnames.computeIfAbsent(m.definition(), d -> "f" + fnames.size());
    }
    // segments: a tile-kernel member alone, else maximal runs of consecutive members
    int[] segOf = new int[n];
    int segments = 0;
    for (int i = 0; i < n; i++) {
      boolean tiled = members.get(i).definition().tileKernel() != null;
      boolean startsNew = !perElement || i == 0 || tiled || members.get(i - 1).definition().tileKernel() != null;
      segOf[i] = startsNew ? segments++ : segments - 1;
    }
    // which member values need a tile (read by a later segment, or written out), and last uses by segment
    boolean[] tiled = new boolean[n];
    int[] lastSegMember = new int[n];
    int[] lastSegInput = new int[inputs];
    int[] firstSegInput = new int[inputs];
    Arrays.fill(lastSegMember, -1);
    Arrays.fill(lastSegInput, -1);
    Arrays.fill(firstSegInput, Integer.MAX_VALUE);
    for (int i = 0; i < n; i++) {
      for (Ref r : members.get(i).args()) {
        if (r.kind() == Ref.Kind.MEMBER) {
          lastSegMember[r.index()] = Math.max(lastSegMember[r.index()], segOf[i]);
          if (segOf[r.index()] != segOf[i]) {
            tiled[r.index()] = true;
          }
        } else if (r.kind() == Ref.Kind.INPUT) {
          lastSegInput[r.index()] = Math.max(lastSegInput[r.index()], segOf[i]);
          firstSegInput[r.index()] = Math.min(firstSegInput[r.index()], segOf[i]);
        }
      }
      if (written[i] >= 0 || members.get(i).definition().tileKernel() != null || !perElement) {
        tiled[i] = true;
      }
    }
    int[] inputTile = new int[inputs];
    int[] memberTile = new int[n];
    Arrays.fill(inputTile, -1);
    Arrays.fill(memberTile, -1);
    List<Integer> free = new ArrayList<>();
    int[] tiles = {0};
    StringBuilder body = new StringBuilder();
    StringBuilder fastBody = new StringBuilder(); // the same with the strong-zero products' plain pass
    List<String> allGuards = new ArrayList<>();
    StringBuilder methods = new StringBuilder();
    StringBuilder before = new StringBuilder();
    int scalars = 0;
    // inputs whose tile is the same for every tile: filled once, their tiles never freed
    for (int j = 0; j < inputs; j++) {
      if (repeats[j] != null && repeats[j].sameEveryTile() && firstSegInput[j] < Integer.MAX_VALUE) {
        inputTile[j] = take(free, tiles);
        lastSegInput[j] = Integer.MAX_VALUE;
        before.append("    ").append(fill(j, repeats[j], inputTile[j], "0", "Math.min(" + TILE + ", total)"));
      }
    }
    for (int seg = 0; seg < segments; seg++) {
      // inputs first read here come into tiles
      for (int j = 0; j < inputs; j++) {
        if (firstSegInput[j] == seg && inputTile[j] < 0) {
          inputTile[j] = take(free, tiles);
          String f = fill(j, repeats[j], inputTile[j], "q", "m");
          body.append("      ").append(f);
          fastBody.append("      ").append(f);
        }
      }
      Set<String> params = new LinkedHashSet<>();
      StringBuilder loop = new StringBuilder();
      StringBuilder fast = new StringBuilder();
      List<String> guards = new ArrayList<>();
      String tileCall = null;
      List<Integer> inSeg = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        if (segOf[i] == seg) {
          inSeg.add(i);
        }
      }
      for (int i : inSeg) {
        Member m = members.get(i);
        if (tiled[i]) {
          memberTile[i] = take(free, tiles);
        }
        Definition d = m.definition();
        if (!perElement && d.arity() == 2) {
          KernelSource.Arg[] args = new KernelSource.Arg[2];
          for (int k = 0; k < 2; k++) {
            Ref r = m.args()[k];
            String text = operand(r, inputTile, memberTile, segOf, seg, true);
            if (r.kind() == Ref.Kind.SCALAR) {
              scalars = Math.max(scalars, r.index() + 1);
            }
            params.add(text);
            args[k] = r.kind() == Ref.Kind.SCALAR ? KernelSource.Arg.scalar(text) : KernelSource.Arg.array(text);
          }
          params.add("t" + memberTile[i]);
          tileCall = KernelSource.binaryLoop(d, fnames.get(d), args[0], args[1], "t" + memberTile[i], "0", "m");
          continue;
        }
        if (d.tileKernel() != null || !perElement) {
          String x = operand(m.args()[0], inputTile, memberTile, segOf, seg, true);
          params.add(x);
          params.add("t" + memberTile[i]);
          tileCall = KernelSource.unaryLoop(d, fnames.get(d), x, "t" + memberTile[i], "0", "m", "scratch");
          continue;
        }
        String[] ops = new String[m.args().length];
        for (int k = 0; k < ops.length; k++) {
          Ref r = m.args()[k];
          ops[k] = operand(r, inputTile, memberTile, segOf, seg, false);
          if (r.kind() == Ref.Kind.SCALAR) {
            scalars = Math.max(scalars, r.index() + 1);
            params.add("s" + r.index());
          } else if (!ops[k].startsWith("v")) {
            params.add(ops[k].substring(0, ops[k].indexOf('[')));
          }
        }
        if (d.strongZero() && m.args()[0].kind() != Ref.Kind.SCALAR) {
          // the plain expression, vectorizable; the smallest |x| says whether a zero x was met
          String z = "g" + allGuards.size();
          allGuards.add(z);
          guards.add(z);
          fast.append("      double v").append(i).append(" = ").append(KernelSource.call(fnames.get(d) + "_plain", ops))
              .append("; ").append(z).append("[i] = Math.min(").append(z).append("[i], Math.abs(").append(ops[0])
              .append(")); // ").append(d.name()).append(" without its strong zero\n");
        } else {
          fast.append("      double v").append(i).append(" = ").append(KernelSource.call(fnames.get(d), ops))
              .append("; // ").append(d.name()).append('\n');
        }
        loop.append("      double v").append(i).append(" = ").append(KernelSource.call(fnames.get(d), ops))
            .append("; // ").append(d.name()).append('\n');
        if (tiled[i]) {
          params.add("t" + memberTile[i]);
          loop.append("      t").append(memberTile[i]).append("[i] = v").append(i).append(";\n");
          fast.append("      t").append(memberTile[i]).append("[i] = v").append(i).append(";\n");
        }
      }
      StringBuilder decl = new StringBuilder();
      for (String p : params) {
        decl.append(p.startsWith("s") ? "double " : "double[] ").append(p).append(", ");
      }
      String call = "seg" + seg + "(" + String.join(", ", params) + (params.isEmpty() ? "" : ", ") + "m, scratch)";
      if (!guards.isEmpty()) {
        // the plain products (vectorized), and per guard tile element the smallest |x| so far
        StringBuilder gdecl = new StringBuilder();
        for (String z : guards) {
          gdecl.append("double[] ").append(z).append(", ");
        }
        methods.append("  private static void fast").append(seg).append('(').append(decl).append(gdecl)
            .append("int m, double[][] scratch) {\n");
        methods.append("    for (int i = 0; i < m; i++) {\n").append(fast).append("    }\n  }\n");
        fastBody.append("      fast").append(seg).append('(').append(String.join(", ", params))
            .append(params.isEmpty() ? "" : ", ").append(String.join(", ", guards)).append(", m, scratch);\n");
      } else {
        fastBody.append("      ").append(call).append(";\n");
      }
      body.append("      ");
      methods.append("  private static void seg").append(seg).append('(').append(decl)
          .append("int m, double[][] scratch) {\n");
      if (tileCall != null) {
        methods.append("    ").append(tileCall);
      } else {
        methods.append("    for (int i = 0; i < m; i++) {\n").append(loop).append("    }\n");
      }
      methods.append("  }\n");
      body.append(call).append(";\n");
      for (int i : inSeg) {
        if (written[i] >= 0) {
          String copy = "      System.arraycopy(t" + memberTile[i] + ", 0, out" + written[i] + ", o" + written[i]
              + " + q, m);\n";
          body.append(copy);
          fastBody.append(copy);
        }
      }
      // free the tiles whose values are dead after this segment
      for (int j = 0; j < inputs; j++) {
        if (lastSegInput[j] == seg) {
          free.add(inputTile[j]);
        }
      }
      for (int i = 0; i < n; i++) {
        if (memberTile[i] >= 0 && Math.max(lastSegMember[i], segOf[i]) == seg) {
          free.add(memberTile[i]);
        }
      }
    }
    StringBuilder s = new StringBuilder("public final class Fused extends io.batchjac.engine.codegen.TileProgram {\n");
    for (Map.Entry<Definition, String> e : fnames.entrySet()) {
      s.append(KernelSource.functions(e.getKey(), e.getValue()));
    }
    s.append(methods);
    s.append("  public void run(double[][] arrays, int[] offsets, double[] scalars, int total, double[][] tiles,"
        + " double[][] scratch) {\n");
    for (int j = 0; j < inputs; j++) {
      s.append("    double[] in").append(j).append(" = arrays[").append(j).append("]; int p").append(j)
          .append(" = offsets[").append(j).append("];\n");
    }
    int outs = 0;
    for (int w : written) {
      outs = Math.max(outs, w + 1);
    }
    for (int k = 0; k < outs; k++) {
      s.append("    double[] out").append(k).append(" = arrays[").append(inputs + k).append("]; int o").append(k)
          .append(" = offsets[").append(inputs + k).append("];\n");
    }
    for (int k = 0; k < scalars; k++) {
      s.append("    double s").append(k).append(" = scalars[").append(k).append("];\n");
    }
    for (int t = 0; t < tiles[0]; t++) {
      s.append("    double[] t").append(t).append(" = tiles[").append(t).append("];\n");
    }
    for (int g = 0; g < allGuards.size(); g++) {
      s.append("    double[] g").append(g).append(" = tiles[").append(tiles[0] + g).append("];\n");
      s.append("    java.util.Arrays.fill(g").append(g).append(", Double.POSITIVE_INFINITY);\n");
    }
    s.append(before);
    if (!allGuards.isEmpty()) {
      // strong-zero products as plain products first; only when some x was zero (or NaN) the
      // whole run again with the definitions (the group's inputs are not its outputs, and every
      // value the first pass wrote is written again)
      s.append("    for (int q = 0; q < total; q += ").append(TILE).append(") {\n");
      s.append("      int m = Math.min(").append(TILE).append(", total - q);\n");
      s.append(fastBody);
      s.append("    }\n");
      s.append("    int n = Math.min(").append(TILE).append(", total);\n");
      s.append("    if (");
      for (int g = 0; g < allGuards.size(); g++) {
        s.append(g == 0 ? "" : " && ").append("allPositive(g").append(g).append(", n)");
      }
      s.append(") {\n      return;\n    }\n");
    }
    s.append("    for (int q = 0; q < total; q += ").append(TILE).append(") {\n");
    s.append("      int m = Math.min(").append(TILE).append(", total - q);\n");
    s.append(body);
    s.append("    }\n  }\n}\n");
    return new Source(s.toString(), "Fused", tiles[0] + allGuards.size());
  }

  /** The statement bringing values [from, from + count) of input j into tile t. */
  private static String fill(int j, Repeat r, int t, String from, String count) {
    if (r == null) {
      return "System.arraycopy(in" + j + ", p" + j + " + " + from + ", t" + t + ", 0, " + count + ");\n";
    }
    return "repeat(in" + j + ", p" + j + ", " + r.stride() + ", " + r.period() + ", " + r.size() + ", " + from
        + ", " + count + ", t" + t + ");\n";
  }

  private static int take(List<Integer> free, int[] tiles) {
    return free.isEmpty() ? tiles[0]++ : free.remove(free.size() - 1);
  }

  /**
   * How a member reads an operand in segment {@code seg}: a scalar's local, a value of the same
   * segment's local variable, else its tile (the whole tile when {@code whole}, else element i).
   */
  private static String operand(Ref r, int[] inputTile, int[] memberTile, int[] segOf, int seg, boolean whole) {
    String tile;
    switch (r.kind()) {
      case SCALAR:
        return "s" + r.index();
      case MEMBER:
        if (segOf[r.index()] == seg && !whole) {
          return "v" + r.index();
        }
        tile = "t" + memberTile[r.index()];
        break;
      default:
        tile = "t" + inputTile[r.index()];
    }
    return whole ? tile : tile + "[i]";
  }
}
