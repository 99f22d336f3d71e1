package io.batchjac.engine.codegen;

import java.util.function.DoubleBinaryOperator;
import java.util.function.DoubleUnaryOperator;

/**
 * The executable forms of one elementwise primitive, generated from its {@link Definition} by
 * {@link Kernels}: the scalar function and loops over {@code [from, to)} of arrays all indexed
 * alike (see {@link KernelSource}). A unary kernel implements {@link #applyAsDouble(double)} and
 * {@link #map}; a binary one {@link #applyAsDouble(double, double)}, {@link #vv}, {@link #vs} and
 * {@link #sv}. The other methods throw.
 */
public abstract class ElementKernel implements DoubleUnaryOperator, DoubleBinaryOperator {
  private Definition definition;
  private ElementKernel plain;

  final void bind(Definition d, ElementKernel plainKernel) {
    this.definition = d;
    this.plain = plainKernel;
  }

  /** The definition this kernel was generated from. */
  public final Definition definition() {
    return definition;
  }

  /** The kernel of {@link Definition#plain()}: this one unless the primitive has a strong zero. */
  public final ElementKernel plain() {
    return plain;
  }

  /**
   * True when {@link #map} calls a tile kernel: it must then run from index 0 on arrays of at
   * least {@code to} values and {@code scratch} tiles as large.
   */
  public boolean tiled() {
    return false;
  }

  @Override
  public double applyAsDouble(double x) {
    throw new UnsupportedOperationException(definition.name() + " is binary");
  }

  @Override
  public double applyAsDouble(double x, double y) {
    throw new UnsupportedOperationException(definition.name() + " is unary");
  }

  /** {@code o[i] = f(x[i])}; o must not alias x unless at the same index. */
  public void map(double[] x, double[] o, int from, int to, double[][] scratch) {
    throw new UnsupportedOperationException(definition.name() + " is binary");
  }

  /** {@code o[i] = f(a[i], b[i])}; o must not alias a. */
  public void vv(double[] a, double[] b, double[] o, int from, int to) {
    throw new UnsupportedOperationException(definition.name() + " is unary");
  }

  /** {@code o[i] = f(a[i], s)}; o must not alias a. */
  public void vs(double[] a, double s, double[] o, int from, int to) {
    throw new UnsupportedOperationException(definition.name() + " is unary");
  }

  /** {@code o[i] = f(s, b[i])}. */
  public void sv(double s, double[] b, double[] o, int from, int to) {
    throw new UnsupportedOperationException(definition.name() + " is unary");
  }
}
