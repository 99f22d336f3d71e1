package io.batchjac.engine.codegen;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The generated {@link ElementKernel} of each {@link Definition}, compiled on first use and kept.
 * Definitions {@link #register registered} beforehand (the primitives' table) compile together,
 * in one unit, the first time any kernel is asked for; others (a constant power's) one unit each.
 */
public final class Kernels {
  private Kernels() {}

  private static final Map<Definition, ElementKernel> COMPILED = new ConcurrentHashMap<>();
  private static final Set<Definition> PENDING = new LinkedHashSet<>();

  /** Announces a definition to compile with the next batch (cheap: nothing compiles here). */
  public static synchronized void register(Definition d) {
    if (!COMPILED.containsKey(d)) {
      PENDING.add(d);
    }
  }

  /** The kernel of {@code d}, compiling it (with every registered definition) if needed. */
  public static ElementKernel of(Definition d) {
    ElementKernel k = COMPILED.get(d);
    return k != null ? k : compile(d);
  }

  private static synchronized ElementKernel compile(Definition d) {
    ElementKernel k = COMPILED.get(d);
    if (k != null) {
      return k;
    }
    Set<Definition> batch = new LinkedHashSet<>();
    for (Definition p : PENDING) {
      batch.add(p);
      batch.add(p.plain());
    }
    batch.add(d);
    batch.add(d.plain());
    batch.removeIf(COMPILED::containsKey);
    List<Definition> defs = new ArrayList<>(batch);
    StringBuilder src = new StringBuilder("public final class ElementKernels {\n");
    for (int i = 0; i < defs.size(); i++) {
      src.append(kernelClass(defs.get(i), "K" + i));
    }
    String source = src.append("}\n").toString();
    List<ElementKernel> made = new ArrayList<>();
    for (int i = 0; i < defs.size(); i++) {
      made.add(JavaCompiler.instance(source, "ElementKernels$K" + i, ElementKernel.class));
    }
    for (int i = 0; i < defs.size(); i++) {
      COMPILED.put(defs.get(i), made.get(i));
    }
    for (int i = 0; i < defs.size(); i++) {
      made.get(i).bind(defs.get(i), COMPILED.get(defs.get(i).plain()));
    }
    PENDING.clear();
    return COMPILED.get(d);
  }

  /** The source of one kernel class (see {@link ElementKernel} for its methods' contracts). */
  static String kernelClass(Definition d, String name) {
    StringBuilder s = new StringBuilder();
    s.append("  // ").append(d.name()).append(": ").append(d.expression()).append('\n');
    s.append("  public static final class ").append(name)
        .append(" extends io.batchjac.engine.codegen.ElementKernel {\n");
    s.append(KernelSource.functions(d, "f"));
    if (d.arity() == 1) {
      s.append("    public boolean tiled() { return ").append(d.tileKernel() != null).append("; }\n");
      s.append("    public double applyAsDouble(double x) { return f(x); }\n");
      s.append("    public void map(double[] x, double[] o, int from, int to, double[][] scratch) {\n      ")
          .append(KernelSource.unaryLoop(d, "f", "x", "o", d.tileKernel() != null ? "0" : "from", "to", "scratch"))
          .append("    }\n");
    } else {
      KernelSource.Arg a = KernelSource.Arg.array("a");
      KernelSource.Arg b = KernelSource.Arg.array("b");
      KernelSource.Arg sc = KernelSource.Arg.scalar("s");
      s.append("    public double applyAsDouble(double x, double y) { return f(x, y); }\n");
      s.append("    public void vv(double[] a, double[] b, double[] o, int from, int to) {\n      ")
          .append(KernelSource.binaryLoop(d, "f", a, b, "o", "from", "to")).append("    }\n");
      s.append("    public void vs(double[] a, double s, double[] o, int from, int to) {\n      ")
          .append(KernelSource.binaryLoop(d, "f", a, sc, "o", "from", "to")).append("    }\n");
      s.append("    public void sv(double s, double[] b, double[] o, int from, int to) {\n      ")
          .append(KernelSource.binaryLoop(d, "f", sc, b, "o", "from", "to")).append("    }\n");
    }
    return s.append("  }\n").toString();
  }
}
