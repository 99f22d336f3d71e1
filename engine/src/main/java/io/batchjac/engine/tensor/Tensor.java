package io.batchjac.engine.tensor;

import java.util.Arrays;

/**
 * A dense float64 array with a shape and a memory order.
 *
 * <p>Layout: {@link Order#C} is row-major (last index fastest, NumPy's default);
 * {@link Order#F} is column-major (first index fastest, Fortran and Julia). The engine's batched
 * results use the batch-last Fortran layout: a Jacobian of shape {@code (M, N, B)} in order F
 * holds {@code J[m, n, b]} at offset {@code m + M*n + M*N*b}, so sample {@code b}'s block of
 * {@code M*N} values is contiguous (with {@code m} fastest). The same memory read as C order has
 * shape {@code (B, N, M)}.
 *
 * <p>Instances are immutable by contract: {@link #data()} returns the backing array without a
 * copy for speed, and callers must not modify it.
 */
public final class Tensor {
  /** Memory order of a tensor's elements. */
  public enum Order {
    /** Row-major: the last index varies fastest. */
    C,
    /** Column-major: the first index varies fastest. */
    F
  }

  private final Shape shape;
  private final double[] data;
  private final Order order;

  private Tensor(Shape shape, double[] data, Order order) {
    if (data.length != shape.size()) {
      throw new IllegalArgumentException(
          "shape " + shape + " needs " + shape.size() + " values, got " + data.length);
    }
    this.shape = shape;
    this.data = data;
    this.order = order;
  }

  /** A row-major tensor over {@code data} (not copied: the caller hands it over). */
  public static Tensor of(Shape shape, double[] data) {
    return new Tensor(shape, data, Order.C);
  }

  /** A tensor over {@code data} (not copied) in the given order. */
  public static Tensor of(Shape shape, double[] data, Order order) {
    return new Tensor(shape, data, order);
  }

  /** A scalar tensor. */
  public static Tensor scalar(double v) {
    return new Tensor(Shape.SCALAR, new double[] {v}, Order.C);
  }

  /** A rank-1 tensor holding a copy of {@code values}. */
  public static Tensor vector(double... values) {
    return new Tensor(Shape.of(values.length), values.clone(), Order.C);
  }

  /** A row-major matrix from rows of equal length (copied). */
  public static Tensor matrix(double[][] rows) {
    int m = rows.length;
    int n = m == 0 ? 0 : rows[0].length;
    double[] d = new double[m * n];
    for (int i = 0; i < m; i++) {
      if (rows[i].length != n) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length + " values, row 0 has " + n);
      }
      System.arraycopy(rows[i], 0, d, i * n, n);
    }
    return new Tensor(Shape.of(m, n), d, Order.C);
  }

  /** A zero-filled row-major tensor. */
  public static Tensor zeros(Shape shape) {
    return new Tensor(shape, new double[shape.size()], Order.C);
  }

  public Shape shape() {
    return shape;
  }

  public Order order() {
    return order;
  }

  /** The backing array in this tensor's {@link #order()}; not a copy, do not modify. */
  public double[] data() {
    return data;
  }

  /** Number of elements. */
  public int size() {
    return data.length;
  }

  /** The element at the given multi-index (checked). */
  public double get(int... index) {
    return data[offset(index)];
  }

  /** Offset of a multi-index in {@link #data()} for this tensor's order. */
  public int offset(int... index) {
    if (index.length != shape.rank()) {
      throw new IllegalArgumentException(
          "index of rank " + index.length + " for a tensor of shape " + shape);
    }
    int off = 0;
    if (order == Order.C) {
      for (int i = 0; i < index.length; i++) {
        off = off * shape.dim(i) + checkIndex(index, i);
      }
    } else {
      for (int i = index.length - 1; i >= 0; i--) {
        off = off * shape.dim(i) + checkIndex(index, i);
      }
    }
    return off;
  }

  private int checkIndex(int[] index, int axis) {
    int v = index[axis];
    if (v < 0 || v >= shape.dim(axis)) {
      throw new IndexOutOfBoundsException(
          "index " + Arrays.toString(index) + " out of bounds for shape " + shape);
    }
    return v;
  }

  /** The same values in row-major order (this tensor when it already is). */
  public Tensor toC() {
    return order == Order.C ? this : new Tensor(shape, reorder(data, shape, true), Order.C);
  }

  /** The same values in column-major order (this tensor when it already is). */
  public Tensor toF() {
    return order == Order.F ? this : new Tensor(shape, reorder(data, shape, false), Order.F);
  }

  /** Same memory, new shape and order (no copy); sizes must agree. */
  public Tensor view(Shape newShape, Order newOrder) {
    return new Tensor(newShape, data, newOrder);
  }

  /** Copies between orders: {@code fromF} true converts F data to C, false converts C to F. */
  private static double[] reorder(double[] src, Shape shape, boolean fromF) {
    int r = shape.rank();
    int[] dims = shape.dims();
    int[] cStrides = shape.strides();
    int[] fStrides = new int[r];
    int acc = 1;
    for (int i = 0; i < r; i++) {
      fStrides[i] = acc;
      acc *= dims[i];
    }
    double[] out = new double[src.length];
    int[] idx = new int[r];
    for (int lin = 0; lin < src.length; lin++) {
      int c = 0;
      int f = 0;
      for (int i = 0; i < r; i++) {
        c += idx[i] * cStrides[i];
        f += idx[i] * fStrides[i];
      }
      if (fromF) {
        out[c] = src[f];
      } else {
        out[f] = src[c];
      }
      for (int i = r - 1; i >= 0; i--) {
        if (++idx[i] < dims[i]) {
          break;
        }
        idx[i] = 0;
      }
    }
    return out;
  }

  @Override
  public String toString() {
    return "Tensor" + shape + (order == Order.F ? " (F order)" : "")
        + (data.length <= 16 ? " " + Arrays.toString(data) : "");
  }
}
