package io.batchjac.engine.exec;

import io.batchjac.engine.codegen.Definition;
import io.batchjac.engine.codegen.KernelSource;
import io.batchjac.engine.codegen.KernelSource.Arg;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The Java source of a fused group ({@link FusedStep}): a {@link io.batchjac.engine.codegen.TileProgram}
 * whose {@code run} walks the run of values tile by tile ({@link #TILE} values) and, per tile,
 * executes the members in plan order, each as the loop its definition generates
 * ({@link KernelSource}) over tile arrays indexed from 0. An external input is copied into a tile
 * just before its first use; a written-out value is copied out right after it is computed; tiles
 * are reused once their value is dead (an output tile is never one of its operands' tiles). So
 * every element goes through exactly the IEEE operations of the step-by-step interpreter, in the
 * same order per element, and intermediate values stay in L1.
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

  /** The generated source, its class's name and the number of tiles it needs. */
  record Source(String text, String className, int tiles) {}

  /**
   * @param members the group's operations in execution order
   * @param inputs the number of external input arrays
   * @param written for each member, the index (among the output arrays) its value is copied to, or -1
   */
  static Source generate(List<Member> members, int inputs, int[] written) {
    Map<Definition, String> fnames = new LinkedHashMap<>();
    for (Member m : members) {
      fnames.computeIfAbsent(m.definition(), d -> "f" + fnames.size());
    }
    // last use of every input and member value, by member position
    int[] lastInput = new int[inputs];
    int[] lastMember = new int[members.size()];
    Arrays.fill(lastInput, -1);
    Arrays.fill(lastMember, -1);
    for (int i = 0; i < members.size(); i++) {
      for (Ref r : members.get(i).args()) {
        if (r.kind() == Ref.Kind.INPUT) {
          lastInput[r.index()] = i;
        } else if (r.kind() == Ref.Kind.MEMBER) {
          lastMember[r.index()] = i;
        }
      }
    }
    int[] inputTile = new int[inputs];
    int[] memberTile = new int[members.size()];
    Arrays.fill(inputTile, -1);
    List<Integer> free = new ArrayList<>();
    int tiles = 0;
    StringBuilder body = new StringBuilder();
    for (int i = 0; i < members.size(); i++) {
      Member m = members.get(i);
      for (Ref r : m.args()) {
        if (r.kind() == Ref.Kind.INPUT && inputTile[r.index()] < 0) {
          int t = free.isEmpty() ? tiles++ : free.remove(free.size() - 1);
          inputTile[r.index()] = t;
          body.append("      System.arraycopy(in").append(r.index()).append(", p").append(r.index())
              .append(" + q, t").append(t).append(", 0, m);\n");
        }
      }
      int out = free.isEmpty() ? tiles++ : free.remove(free.size() - 1);
      memberTile[i] = out;
      Definition d = m.definition();
      String f = fnames.get(d);
      body.append("      // ").append(d.name()).append('\n').append("      ");
      if (d.arity() == 1) {
        body.append(KernelSource.unaryLoop(d, f, arg(m.args()[0], inputTile, memberTile).text(), "t" + out, "0", "m",
            "scratch"));
      } else {
        body.append(KernelSource.binaryLoop(d, f, arg(m.args()[0], inputTile, memberTile),
            arg(m.args()[1], inputTile, memberTile), "t" + out, "0", "m"));
      }
      if (written[i] >= 0) {
        body.append("      System.arraycopy(t").append(out).append(", 0, out").append(written[i]).append(", o")
            .append(written[i]).append(" + q, m);\n");
      }
      for (Ref r : m.args()) {
        if (r.kind() == Ref.Kind.INPUT && lastInput[r.index()] == i && !free.contains(inputTile[r.index()])) {
          free.add(inputTile[r.index()]);
        } else if (r.kind() == Ref.Kind.MEMBER && lastMember[r.index()] == i
            && !free.contains(memberTile[r.index()])) {
          free.add(memberTile[r.index()]);
        }
      }
      if (lastMember[i] < 0) {
        free.add(out); // written out only
      }
    }
    StringBuilder s = new StringBuilder("public final class Fused extends io.batchjac.engine.codegen.TileProgram {\n");
    for (Map.Entry<Definition, String> e : fnames.entrySet()) {
      s.append(KernelSource.functions(e.getKey(), e.getValue()));
    }
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
    int scalars = 0;
    for (Member m : members) {
      for (Ref r : m.args()) {
        if (r.kind() == Ref.Kind.SCALAR) {
          scalars = Math.max(scalars, r.index() + 1);
        }
      }
    }
    for (int k = 0; k < scalars; k++) {
      s.append("    double s").append(k).append(" = scalars[").append(k).append("];\n");
    }
    for (int t = 0; t < tiles; t++) {
      s.append("    double[] t").append(t).append(" = tiles[").append(t).append("];\n");
    }
    s.append("    for (int q = 0; q < total; q += ").append(TILE).append(") {\n");
    s.append("      int m = Math.min(").append(TILE).append(", total - q);\n");
    s.append(body);
    s.append("    }\n  }\n}\n");
    return new Source(s.toString(), "Fused", tiles);
  }

  private static Arg arg(Ref r, int[] inputTile, int[] memberTile) {
    return switch (r.kind()) {
      case INPUT -> Arg.array("t" + inputTile[r.index()]);
      case MEMBER -> Arg.array("t" + memberTile[r.index()]);
      case SCALAR -> Arg.scalar("s" + r.index());
    };
  }
}
