package io.batchjac.engine.exec;

/**
 * Where a graph input is read from, or a graph output written to, in a caller's array: sample
 * {@code b}'s block starts at {@code offset + b * sampleStride} and consists of {@code rows}
 * runs of {@code rowLen} contiguous values, {@code rowStride} apart (row r of the block is the
 * node's values {@code r*rowLen ... (r+1)*rowLen - 1}, row-major).
 *
 * <p>Example: the batched Jacobian {@code (M, N, B)} in Fortran order computed by reverse mode
 * in blocks of K output rows: the graph yields per sample an {@code (N, K)} row-major block (the
 * transposed rows {@code m0 ... m0+K-1}), bound with {@code offset = m0, sampleStride = M*N,
 * rows = N, rowLen = K, rowStride = M}.
 */
public record Binding(double[] data, int offset, int sampleStride, int rows, int rowLen, int rowStride) {
  /** Rows that follow each other without a gap are merged into one run. */
  public Binding {
    if (rows > 1 && rowStride == rowLen) {
      rowLen = rows * rowLen;
      rows = 1;
      rowStride = rowLen;
    }
  }

  /** A contiguous per-sample block of {@code size} values, {@code sampleStride} apart. */
  public static Binding contiguous(double[] data, int offset, int sampleStride, int size) {
    return new Binding(data, offset, sampleStride, 1, size, size);
  }

  /** Values per sample. */
  public int size() {
    return rows * rowLen;
  }

  /** True when the whole chunk is one contiguous run (the engine can read or write in place). */
  boolean inPlace() {
    return rows == 1 && sampleStride == rowLen;
  }

  /** Copies samples {@code [b0, b0+c)} from this binding into {@code dst} (c blocks back to back). */
  void gather(int b0, int c, double[] dst, int dstOff) {
    int n = size();
    if (n == 1) { // one value per sample (a scalar input): a strided loop, no call per value
      int from = offset + b0 * sampleStride;
      for (int s = 0; s < c; s++) {
        dst[dstOff + s] = data[from + s * sampleStride];
      }
      return;
    }
    for (int s = 0; s < c; s++) {
      int base = offset + (b0 + s) * sampleStride;
      for (int r = 0; r < rows; r++) {
        System.arraycopy(data, base + r * rowStride, dst, dstOff + s * n + r * rowLen, rowLen);
      }
    }
  }

  /** Copies c samples from {@code src} (blocks back to back, or one block repeated when stride 0) into this binding. */
  void scatter(int b0, int c, double[] src, int srcOff, int srcStride) {
    if (size() == 1) { // one value per sample (a scalar output): a strided loop, no call per value
      int to = offset + b0 * sampleStride;
      for (int s = 0; s < c; s++) {
        data[to + s * sampleStride] = src[srcOff + s * srcStride];
      }
      return;
    }
    for (int s = 0; s < c; s++) {
      int base = offset + (b0 + s) * sampleStride;
      for (int r = 0; r < rows; r++) {
        System.arraycopy(src, srcOff + s * srcStride + r * rowLen, data, base + r * rowStride, rowLen);
      }
    }
  }
}
