package io.batchjac.engine.tensor;

import java.util.Arrays;

/**
 * An immutable row-major tensor shape: a list of non-negative dimensions. The scalar shape has
 * rank 0 and size 1.
 *
 * <p>Shapes print as in the function language: {@code [2, 3]}; the scalar prints as {@code []}.
 * Broadcasting follows NumPy: shapes are aligned on the right and a dimension of 1 stretches.
 */
public final class Shape {
  /** The rank-0 shape of a scalar (size 1). */
  public static final Shape SCALAR = new Shape(new int[0]);

  private final int[] dims;
  private final int size;

  private Shape(int[] dims) {
    // a zero dimension means no elements, however large the others (found by NpyReaderFuzzIT)
    boolean empty = Arrays.stream(dims).anyMatch(d -> d == 0);
    long n = 1;
    for (int d : dims) {
      if (d < 0) {
        throw new IllegalArgumentException("negative dimension in shape " + Arrays.toString(dims));
      }
      n *= d;
      if (n > Integer.MAX_VALUE && !empty) {
        throw new IllegalArgumentException("shape " + Arrays.toString(dims) + " has more than 2^31 elements");
      }
    }
    this.dims = dims;
    this.size = empty ? 0 : (int) n;
  }

  /** The shape with the given dimensions (copied). */
  public static Shape of(int... dims) {
    return dims.length == 0 ? SCALAR : new Shape(dims.clone());
  }

  public int rank() {
    return dims.length;
  }

  /** Dimension {@code i}; negative {@code i} counts from the end, as in Python. */
  public int dim(int i) {
    return dims[i < 0 ? dims.length + i : i];
  }

  /** A copy of the dimensions. */
  public int[] dims() {
    return dims.clone();
  }

  /** Number of elements (1 for the scalar). */
  public int size() {
    return size;
  }

  /** Row-major strides in elements: the last axis has stride 1. */
  public int[] strides() {
    int[] s = new int[dims.length];
    int acc = 1;
    for (int i = dims.length - 1; i >= 0; i--) {
      s[i] = acc;
      acc *= dims[i];
    }
    return s;
  }

  /** This shape with {@code lead} dimensions in front: {@code [2].prepend(5) = [5, 2]}. */
  public Shape prepend(int... lead) {
    int[] d = new int[lead.length + dims.length];
    System.arraycopy(lead, 0, d, 0, lead.length);
    System.arraycopy(dims, 0, d, lead.length, dims.length);
    return new Shape(d);
  }

  /** The first {@code n} dimensions. */
  public Shape first(int n) {
    return Shape.of(Arrays.copyOfRange(dims, 0, n));
  }

  /** All dimensions after the first {@code n}. */
  public Shape dropFirst(int n) {
    return Shape.of(Arrays.copyOfRange(dims, n, dims.length));
  }

  /** The concatenation of this shape and {@code tail}. */
  public Shape concat(Shape tail) {
    return tail.prepend(dims);
  }

  /** NumPy broadcast of two shapes, or {@code null} when they are incompatible. */
  public static Shape broadcastOrNull(Shape a, Shape b) {
    int r = Math.max(a.rank(), b.rank());
    int[] d = new int[r];
    for (int i = 0; i < r; i++) {
      int da = i < r - a.rank() ? 1 : a.dims[i - (r - a.rank())];
      int db = i < r - b.rank() ? 1 : b.dims[i - (r - b.rank())];
      if (da == db || db == 1) {
        d[i] = da;
      } else if (da == 1) {
        d[i] = db;
      } else {
        return null;
      }
    }
    return new Shape(d);
  }

  /** True when this shape broadcasts to {@code target} (NumPy rules, one direction). */
  public boolean broadcastsTo(Shape target) {
    if (rank() > target.rank()) {
      return false;
    }
    int off = target.rank() - rank();
    for (int i = 0; i < rank(); i++) {
      if (dims[i] != 1 && dims[i] != target.dims[off + i]) {
        return false;
      }
    }
    return true;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Shape && Arrays.equals(dims, ((Shape) o).dims);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(dims);
  }

  @Override
  public String toString() {
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < dims.length; i++) {
      if (i > 0) {
        sb.append(", ");
      }
      sb.append(dims[i]);
    }
    return sb.append(']').toString();
  }
}
