package io.batchjac.engine.exec;

import io.batchjac.engine.tensor.Shape;

/**
 * Matrix product {@code (..., p, k) @ (..., k, q)} on a chunk. The two layouts that matter for
 * speed run as ONE dgemm over the whole chunk:
 * <ul>
 *   <li>constant {@code A (p, k)} times batched {@code B (..., k, 1)}: every sample's columns are
 *       contiguous, so the chunk is one {@code k x cols} column-major matrix and
 *       {@code out = A * B} is a single GEMM ({@code cols = c * prod(...)}); this is the forward
 *       pass and forward-mode tangents with all K directions at once;</li>
 *   <li>batched {@code A (..., p, k)} times constant {@code B (k, q)}: the chunk's rows stack into
 *       one {@code (rows, k)} row-major matrix; this is reverse mode with K cotangents.</li>
 * </ul>
 * Anything else (both batched, broadcast batch axes) loops over the blocks with a plain triple
 * loop accumulating over k in order.
 *
 * <p>Determinism: a BLAS's rounding may depend on the size of the product (OpenBLAS switches to
 * its small-matrix kernels below a size threshold, VectorBLAS blocks differently), so the GEMM
 * layouts always call BLAS with exactly {@link #panel()} samples' worth of columns (rows): a
 * partial panel at the end of a chunk is padded with zero columns in a scratch buffer. Every
 * sample's values then come out of a call of the same dimensions, whatever the chunk size, the
 * thread count, or where a Spark partition starts.
 *
 * <p>The panel is fixed by the step's shape alone ({@link #panelFor}): {@link #PANEL} samples, or
 * more when a sample brings few columns, so that a call has at least {@link #GEMM_COLUMNS}
 * columns (rows). OpenBLAS packs the constant matrix on every call, and a one-column-per-sample
 * product (JVP, VJP, the forward pass, a folded scaled product) of 32 samples spent much of its
 * time there: panels of 128 instead of 32 made the mlp's JVP, VJP, Jacobian and the softplus
 * Hessian 8-20% faster (docs/benchmarks.md).
 */
final class MatMulStep extends Step {
  /** The fewest samples per GEMM call (partial panels are padded); every panel is a multiple of it. */
  static final int PANEL = 32;

  private enum Kind { CONST_LEFT, CONST_RIGHT, BLOCKS }

  private final Operand a;
  private final Operand b;
  private final Operand out;
  private final int p;
  private final int k;
  private final int q;
  private final Kind kind;
  private final int blocks;
  private final int[] blockA;
  private final int[] blockB;
  /** Samples per GEMM call of this step: {@link #panelFor} its columns (rows) per sample. */
  private final int panel;

  MatMulStep(Operand a, Shape sa, Operand b, Shape sb, Operand out, Shape so) {
    super(a, b);
    this.a = a;
    this.b = b;
    this.out = out;
    this.p = sa.dim(-2);
    this.k = sa.dim(-1);
    this.q = sb.dim(-1);
    boolean aMatrix = sa.size() == p * k;
    boolean bMatrix = sb.size() == k * q;
    if (!a.batched() && aMatrix && b.batched() && q == 1 && out.batched()) {
      kind = Kind.CONST_LEFT;
    } else if (!b.batched() && bMatrix && a.batched() && out.batched()) {
      kind = Kind.CONST_RIGHT;
    } else {
      kind = Kind.BLOCKS;
    }
    Shape batch = so.first(so.rank() - 2);
    blocks = batch.size();
    blockA = IndexMaps.broadcast(sa.first(sa.rank() - 2), batch);
    blockB = IndexMaps.broadcast(sb.first(sb.rank() - 2), batch);
    panel = switch (kind) {
      case CONST_LEFT -> panelFor(blocks);
      case CONST_RIGHT -> panelFor(blocks * p);
      default -> PANEL;
    };
  }

  /**
   * The fewest columns (rows) a GEMM call aims at: 128, or the system property
   * {@code batchjac.gemmColumns} (for experiments; read once per JVM).
   */
  static final int GEMM_COLUMNS = Integer.getInteger("batchjac.gemmColumns", 128);

  /**
   * Samples per GEMM call for a product with {@code perSample} columns (rows) per sample:
   * {@link #PANEL}, or the power of two reaching {@link #GEMM_COLUMNS} when that is more.
   */
  static int panelFor(int perSample) {
    int want = GEMM_COLUMNS / Math.max(1, perSample);
    return want <= PANEL ? PANEL : Integer.highestOneBit(want);
  }

  /** Samples per GEMM call (chunks are whole multiples of the largest panel of a plan, for speed). */
  int panel() {
    return panel;
  }

  @Override
  long gemmFlopsPerSample() {
    return out.batched() ? 2L * p * k * q * blocks : 0;
  }

  /** Which of the three layouts runs (for tests and profiles). */
  String kind() {
    return kind.name();
  }

  @Override
  void run(Frame f, int c) {
    double[] ab = f.buf[a.slot()];
    double[] bb = f.buf[b.slot()];
    double[] ob = f.buf[out.slot()];
    int ao = f.off[a.slot()];
    int bo = f.off[b.slot()];
    int oo = f.off[out.slot()];
    if (p == 0 || q == 0 || c == 0) {
      return;
    }
    if (k == 0) {
      java.util.Arrays.fill(ob, oo, oo + (out.batched() ? c : 1) * out.size(), 0.0);
      return;
    }
    switch (kind) {
      case CONST_LEFT -> {
        int cols = panel * blocks;
        for (int s0 = 0; s0 < c; s0 += panel) {
          int n = Math.min(panel, c - s0);
          if (n == panel) {
            Blas.get().dgemm("T", "N", p, cols, k, 1.0, ab, ao, k, bb, bo + s0 * b.size(), k, 0.0,
                ob, oo + s0 * out.size(), p);
          } else {
            double[] in = new double[panel * b.size()];
            double[] res = new double[panel * out.size()];
            System.arraycopy(bb, bo + s0 * b.size(), in, 0, n * b.size());
            Blas.get().dgemm("T", "N", p, cols, k, 1.0, ab, ao, k, in, 0, k, 0.0, res, 0, p);
            System.arraycopy(res, 0, ob, oo + s0 * out.size(), n * out.size());
          }
        }
      }
      case CONST_RIGHT -> {
        int rows = panel * blocks * p;
        for (int s0 = 0; s0 < c; s0 += panel) {
          int n = Math.min(panel, c - s0);
          if (n == panel) {
            Blas.get().dgemm("N", "N", q, rows, k, 1.0, bb, bo, q, ab, ao + s0 * a.size(), k, 0.0,
                ob, oo + s0 * out.size(), q);
          } else {
            double[] in = new double[panel * a.size()];
            double[] res = new double[panel * out.size()];
            System.arraycopy(ab, ao + s0 * a.size(), in, 0, n * a.size());
            Blas.get().dgemm("N", "N", q, rows, k, 1.0, bb, bo, q, in, 0, k, 0.0, res, 0, q);
            System.arraycopy(res, 0, ob, oo + s0 * out.size(), n * out.size());
          }
        }
      }
      default -> blocks(ab, ao, bb, bo, ob, oo, out.batched() ? c : 1);
    }
  }

  private void blocks(double[] ab, int ao, double[] bb, int bo, double[] ob, int oo, int samples) {
    int pk = p * k;
    int kq = k * q;
    int pq = p * q;
    for (int s = 0; s < samples; s++) {
      int sa = ao + s * a.stride();
      int sb = bo + s * b.stride();
      int so = oo + s * out.size();
      for (int blk = 0; blk < blocks; blk++) {
        int baseA = sa + blockA[blk] * pk;
        int baseB = sb + blockB[blk] * kq;
        int baseO = so + blk * pq;
        for (int i = 0; i < p; i++) {
          for (int j = 0; j < q; j++) {
            double acc = 0;
            for (int l = 0; l < k; l++) {
              acc += ab[baseA + i * k + l] * bb[baseB + l * q + j];
            }
            ob[baseO + i * q + j] = acc;
          }
        }
      }
    }
  }
}
