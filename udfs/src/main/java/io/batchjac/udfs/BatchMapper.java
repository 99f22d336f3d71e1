package io.batchjac.udfs;

import io.batchjac.engine.api.Operation;
import io.batchjac.engine.api.PreparedOp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.types.StructType;

/**
 * One partition of {@link DerivativeTransformer}, on Spark's internal rows (no conversion to
 * {@code Row}, no boxed elements): reads rows lazily, gathers up to {@code batchSize} of them
 * (fewer when one row's result is large: at most {@link #MAX_RESULT_DOUBLES} result values per
 * batch), runs the engine once for the batch on this task's thread and returns each row with the
 * result appended ({@link ResultRows}: the output row is laid out when its input row is read, and
 * the result's values are written into it after the engine has run). Rows whose input (or
 * tangent) is null are left out of the batch and get a null result.
 *
 * <p>The input and tangent are read from the {@code array<double>} columns {@code xCol} and
 * {@code tCol}: the user's columns when they are {@code array<double>}, else casts of them that
 * {@link DerivativeTransformer#transform} adds (so any numeric array type is accepted); the row is
 * passed on whole.
 */
final class BatchMapper implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private static final long serialVersionUID = 1L;
  /** At most this many result values per engine call (32 MiB): large Jacobians get smaller batches. */
  static final long MAX_RESULT_DOUBLES = 1L << 22;

  private final BatchPlan plan;
  private final StructType input;
  private final int xCol;
  private final int tCol;

  /** Maps rows of schema {@code input}, reading the input (and tangent) from columns {@code xCol} ({@code tCol}, or -1). */
  BatchMapper(BatchPlan plan, StructType input, int xCol, int tCol) {
    this.plan = plan;
    this.input = input;
    this.xCol = xCol;
    this.tCol = tCol;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    CompiledSpec cs = SpecCache.get(plan.source(), plan.safety());
    PreparedOp op = plan.prepared(cs); // compiled once per JVM, run on this task's thread (one Spark task = one core)
    ResultRows layout = new ResultRows(input, op.outPerSample(), plan.matrixRows(cs));
    AsUnsafe toUnsafe = new AsUnsafe(input);
    return new Iterator<>() {
      private final List<UnsafeRow> out = new ArrayList<>();
      private double[] results = new double[0];
      private int next;

      @Override
      public boolean hasNext() {
        if (next < out.size()) {
          return true;
        }
        out.clear();
        next = 0;
        if (!rows.hasNext()) {
          return false;
        }
        results = fill(rows, cs, op, layout, toUnsafe, results, out);
        return !out.isEmpty();
      }

      @Override
      public InternalRow next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }
    };
  }

  /**
   * Reads the next batch of rows and appends them, with their results, to {@code out}; the
   * engine writes into {@code results} when it is large enough (the buffer used, kept for the
   * next batch, is returned).
   */
  private double[] fill(Iterator<InternalRow> rows, CompiledSpec cs, PreparedOp op, ResultRows layout,
      AsUnsafe toUnsafe, double[] results, List<UnsafeRow> out) {
    int n = cs.inputSize();
    boolean hasTangent = tCol >= 0;
    int tw = hasTangent ? plan.tangentWidth(cs) : 0;
    int per = op.outPerSample();
    int cap = (int) Math.max(1, Math.min(plan.batchSize(), MAX_RESULT_DOUBLES / Math.max(1, per)));
    int initial = Math.min(cap, 1 << 16);
    double[] x = new double[initial * n];
    double[] t = hasTangent ? new double[initial * tw] : null;
    boolean[] live = new boolean[initial];
    int b = 0;
    while (out.size() < cap && rows.hasNext()) {
      InternalRow next = rows.next();
      UnsafeRow r = toUnsafe.of(next); // read (and copied by append) before the upstream reuses it
      int i = out.size();
      if (i >= live.length) {
        live = Arrays.copyOf(live, live.length * 2);
      }
      boolean ok = !r.isNullAt(xCol) && (!hasTangent || !r.isNullAt(tCol));
      live[i] = ok;
      out.add(layout.append(r, ok));
      if (!ok) {
        continue;
      }
      if ((b + 1) * n > x.length) {
        x = Arrays.copyOf(x, Math.max(x.length * 2, (b + 1) * n));
      }
      read(r.getArray(xCol), plan.inName(), x, b * n, n, cs, true);
      if (hasTangent) {
        if ((b + 1) * tw > t.length) {
          t = Arrays.copyOf(t, Math.max(t.length * 2, (b + 1) * tw));
        }
        read(r.getArray(tCol), plan.tanName(), t, b * tw, tw, cs, plan.operation() == Operation.JVP);
      }
      b++;
    }
    double[] res = results;
    if (b > 0) {
      if (res.length < b * per) {
        res = new double[b * per];
      }
      op.runInto(CompiledSpec.ONE_THREAD, x, n, t, b, res); // reads the first b rows of x and t
    }
    int k = 0;
    for (int i = 0; i < out.size(); i++) {
      if (live[i]) {
        layout.fill(out.get(i), res, k * per);
        k++;
      }
    }
    return res;
  }

  /** Copies one row's array value into {@code dst}, checking its length and elements. */
  private void read(ArrayData a, String name, double[] dst, int off, int want, CompiledSpec cs, boolean inputs) {
    int size = a.numElements();
    if (size != want) {
      throw new IllegalArgumentException(plan.who() + ": column '" + name + "' has " + size
          + (size == 1 ? " value" : " values") + " in a row" + cs.lengthProblem(size, want, inputs));
    }
    for (int j = 0; j < want; j++) {
      if (a.isNullAt(j)) {
        throw new IllegalArgumentException(plan.who() + ": column '" + name + "' has a null value at position "
            + (j + 1) + " (positions count from 1); use NaN for a missing value, or filter the row out");
      }
      dst[off + j] = a.getDouble(j);
    }
  }

  /** Upstream rows as UnsafeRows: themselves when they are (the usual case), else projected (the projection compiled on first need). */
  private static final class AsUnsafe {
    private final StructType schema;
    private UnsafeProjection projection;

    AsUnsafe(StructType schema) {
      this.schema = schema;
    }

    /** {@code row} as an UnsafeRow, valid until the next call. */
    UnsafeRow of(InternalRow row) {
      if (row instanceof UnsafeRow u) {
        return u;
      }
      if (projection == null) {
        projection = UnsafeProjection.create(schema);
      }
      return projection.apply(row);
    }
  }
}
