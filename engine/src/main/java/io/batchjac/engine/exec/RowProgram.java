package io.batchjac.engine.exec;

import io.batchjac.engine.codegen.JavaCompiler;
import io.batchjac.engine.codegen.RowKernel;
import io.batchjac.engine.codegen.RowScratch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A compiled {@link Plan} as generated straight-line code for one sample ({@link RowCode}), with
 * the places of its inputs and outputs in a caller's rows fixed at compilation: what runs a
 * compiled operation on one row at a time (SQL functions) without stepping the interpreter, and
 * batches of closed-form functions as a loop over samples. Values are bitwise the interpreter's
 * (see {@link RowCode} for the order of operations). Immutable and thread-safe.
 */
public final class RowProgram {
  /** Samples per range a thread takes at a time in {@link #runBatch} (a whole number of blocks). */
  static final int RANGE = 8 * RowScratch.BLOCK;

  private static final AtomicLong COMPILED = new AtomicLong();
  private static final ThreadLocal<RowScratch> SCRATCH = ThreadLocal.withInitial(() -> new RowScratch(0));

  private final RowKernel kernel;
  private final int blocks;
  private final int statements;

  private RowProgram(RowKernel kernel, int blocks, int statements) {
    this.kernel = kernel;
    this.blocks = blocks;
    this.statements = statements;
  }

  /** Where a graph input's values are read in a sample's row. */
  public record Input(boolean extra, int offset) {}

  /**
   * Generates and compiles the row program of {@code plan}.
   *
   * @param inputs per graph input: read from the extra row ({@code e}) or from {@code x}, at
   *     that offset in the sample's row
   * @param outputs per output of the plan, where its values go in a sample's output block
   *     (the bindings' arrays and sample strides are not used)
   * @return the program, or null when the plan has steps row programs do not support (see
   *     {@link RowCode}): the caller keeps the interpreter
   */
  public static RowProgram compile(Plan plan, Input[] inputs, Binding[] outputs) {
    RowCode.Generated g = RowCode.generate(plan, inputs, outputs);
    if (g == null) {
      return null;
    }
    if (Boolean.getBoolean("batchjac.printPlans")) {
      System.err.print("row program: " + g.statements() + " statements\n" + g.text());
    }
    RowKernel k = JavaCompiler.instance(g.text(), g.className(), RowKernel.class);
    COMPILED.incrementAndGet();
    return new RowProgram(k, g.blocks(), g.statements());
  }

  /** How many row programs this JVM generated and compiled so far (for caching tests). */
  public static long compiled() {
    return COMPILED.get();
  }

  /** The number of element statements of the generated code (for descriptions). */
  public int statements() {
    return statements;
  }

  /** Computes one sample: reads {@code x} from {@code xo} and {@code e} from {@code eo}, writes {@code out} from {@code oo}. */
  public void row(double[] x, int xo, double[] e, int eo, double[] out, int oo) {
    kernel.row(x, xo, e, eo, out, oo, scratch());
  }

  /**
   * Computes samples {@code [0, batch)}: sample s's row starts at {@code s * xw} in {@code x} and
   * {@code s * ew} in {@code e}, its block at {@code s * ow} in {@code out}. Ranges of
   * {@link #RANGE} samples are shared among the executor's threads; every sample is computed by
   * the same code whichever thread takes it.
   */
  public void runBatch(Executor executor, int batch, double[] x, int xw, double[] e, int ew, double[] out, int ow) {
    executor.runRanges(batch, RANGE, () -> {
      RowScratch w = new RowScratch(blocks);
      return (from, to) -> kernel.rows(x, xw, e, ew, out, ow, from, to, w);
    });
  }

  /** This thread's scratch, large enough for this program. */
  private RowScratch scratch() {
    RowScratch w = SCRATCH.get();
    if (w.blocks.length < blocks) {
      w = new RowScratch(blocks);
      SCRATCH.set(w);
    }
    return w;
  }
}
