package io.batchjac.engine.api;

import io.batchjac.engine.ir.Graph;
import java.util.Arrays;
import java.util.Locale;

/**
 * The engine's operations, in one place for every caller (the facade {@link Engine}, the Spark
 * jobs, the SQL functions and the Transformer): what each computes per sample, the layout of
 * its result, its extra per-sample argument, its validation, and how it is derived and compiled
 * ({@link #prepare}).
 *
 * <p>Result layouts, batch last, Fortran order (sample b's block contiguous); N is the size of
 * what is differentiated (the inputs, or the {@code wrt} parameters), M the outputs' size:
 * <pre>
 *   EVALUATE (M, B)   JVP (M, B)   VJP (N, B)   GRADIENT (N, B)   JACOBIAN (M, N, B)   HESSIAN (N, N, B)
 * </pre>
 */
public enum Operation {
  /** f itself. */
  EVALUATE("evaluate"),
  /** J u, forward mode; u has N values per sample. */
  JVP("jvp"),
  /** J^T v, reverse mode; v has M values per sample. */
  VJP("vjp"),
  /** The per-sample Jacobian. */
  JACOBIAN("jacobian"),
  /** The gradient of a one-value function (its Jacobian's only row). */
  GRADIENT("gradient"),
  /** The Hessian of a one-value function, forward over reverse. */
  HESSIAN("hessian");

  private final String label;

  Operation(String label) {
    this.label = label;
  }

  /** The name users write: {@code evaluate}, {@code jvp}, ... */
  public String label() {
    return label;
  }

  /**
   * The operation of that name, case-insensitive; {@code eval} is {@code evaluate}. An unknown
   * name is an {@link IllegalArgumentException} listing the known ones.
   */
  public static Operation parse(String name) {
    String n = name == null ? "" : name.trim().toLowerCase(Locale.ROOT);
    if (n.equals("eval")) {
      return EVALUATE;
    }
    for (Operation o : values()) {
      if (o.label.equals(n)) {
        return o;
      }
    }
    throw new IllegalArgumentException("unknown operation '" + name + "': expected one of "
        + Arrays.stream(values()).map(Operation::label).toList());
  }

  /** The per-sample dimensions of the result (without the batch axis), Fortran order. */
  public int[] sampleDims(int m, int n) {
    return switch (this) {
      case EVALUATE, JVP -> new int[] {m};
      case VJP, GRADIENT -> new int[] {n};
      case JACOBIAN -> new int[] {m, n};
      case HESSIAN -> new int[] {n, n};
    };
  }

  /** Values per sample of the result. */
  public long perSample(int m, int n) {
    long p = 1;
    for (int d : sampleDims(m, n)) {
      p *= d;
    }
    return p;
  }

  /** Width of the extra per-sample argument (u of a JVP: N; v of a VJP: M), or 0. */
  public int extraWidth(int m, int n) {
    return this == JVP ? n : this == VJP ? m : 0;
  }

  /** True for the operations that need a function with exactly one output value. */
  public boolean needsScalar() {
    return this == GRADIENT || this == HESSIAN;
  }

  /**
   * Checks that the operation applies to {@code f} with {@code backend}: one output value for
   * GRADIENT and HESSIAN, no reverse backend for JVP, no forward backend for VJP.
   */
  public void validate(Graph f, Backend backend) {
    if (needsScalar() && f.outputSize() != 1) {
      throw new IllegalArgumentException(label + " needs a function with exactly one output value, but f has "
          + f.outputSize() + " (outputs " + f.outputShapes() + ")");
    }
    if (this == JVP && backend.kind() == Backend.Kind.REVERSE) {
      throw new IllegalArgumentException("jvp runs in forward mode: backend 'reverse' is not available for it "
          + "(use vjp for reverse mode, or backend auto/forward)");
    }
    if (this == VJP && backend.kind() == Backend.Kind.FORWARD) {
      throw new IllegalArgumentException("vjp runs in reverse mode: backend 'forward' is not available for it "
          + "(use jvp for forward mode, or backend auto/reverse)");
    }
  }

  /** The operation derived and compiled for {@code f} (validated first): run it on any number of batches. */
  public PreparedOp prepare(Graph f, Backend backend, Engine.Wrt wrt) {
    validate(f, backend);
    return switch (this) {
      case EVALUATE -> PreparedOp.evaluate(f);
      case JVP -> PreparedOp.jvp(f, wrt);
      case VJP -> PreparedOp.vjp(f, wrt);
      case JACOBIAN, GRADIENT -> PreparedOp.jacobian(f, backend, wrt);
      case HESSIAN -> PreparedOp.hessian(f, backend, wrt);
    };
  }
}
