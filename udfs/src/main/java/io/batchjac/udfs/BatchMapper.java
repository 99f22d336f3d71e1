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
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.JoinedRow;
import org.apache.spark.sql.catalyst.util.ArrayData;

/**
 * One partition of {@link DerivativeTransformer}, on Spark's internal rows (no conversion to
 * {@code Row}, no boxed elements): reads rows lazily, gathers up to {@code batchSize} of them
 * (fewer when one row's result is large: at most {@link #MAX_RESULT_DOUBLES} result values per
 * batch), runs the engine once for the batch on this task's thread and returns each row with the
 * result appended. Rows whose input (or tangent) is null are left out of the batch and get a
 * null result.
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
  private final int xCol;
  private final int tCol;

  BatchMapper(BatchPlan plan, int xCol, int tCol) {
    this.plan = plan;
    this.xCol = xCol;
    this.tCol = tCol;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> rows) {
    CompiledSpec cs = SpecCache.get(plan.source(), plan.safety());
    PreparedOp op = plan.prepared(cs); // compiled once per JVM, run on this task's thread (one Spark task = one core)
    return new Iterator<>() {
      private final List<InternalRow> out = new ArrayList<>();
      private final Buffers buffers = new Buffers();
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
        fill(rows, cs, op, buffers, out);
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
   * A task's batch buffers, grown when a batch needs more and kept for the next batches: a batch
   * of 4,096 rows of 16 inputs is 512 KiB, which G1 allocates as a "humongous" object (outside the
   * young generation) in heaps up to 2 GiB; a fresh one per batch cost collections and page faults.
   */
  private static final class Buffers {
    double[] x = new double[0];
    double[] t = new double[0];
    double[] results = new double[0];
    boolean[] live = new boolean[0];
  }

  /** Reads the next batch of rows and appends them, with their results, to {@code out}. */
  private void fill(Iterator<InternalRow> rows, CompiledSpec cs, PreparedOp op, Buffers buf, List<InternalRow> out) {
    int n = cs.inputSize();
    boolean hasTangent = tCol >= 0;
    int tw = hasTangent ? plan.tangentWidth(cs) : 0;
    int per = op.outPerSample();
    int matRows = plan.matrixRows(cs);
    int cap = (int) Math.max(1, Math.min(plan.batchSize(), MAX_RESULT_DOUBLES / Math.max(1, per)));
    int initial = Math.min(cap, 1 << 16);
    List<InternalRow> batch = new ArrayList<>(initial);
    double[] x = buf.x.length >= initial * n ? buf.x : new double[initial * n];
    double[] t = !hasTangent ? null : buf.t.length >= initial * tw ? buf.t : new double[initial * tw];
    boolean[] live = buf.live.length >= initial ? buf.live : new boolean[initial];
    int b = 0;
    while (batch.size() < cap && rows.hasNext()) {
      InternalRow r = rows.next().copy(); // the upstream iterator reuses its row
      int i = batch.size();
      batch.add(r);
      if (i >= live.length) {
        live = Arrays.copyOf(live, live.length * 2);
      }
      boolean ok = !r.isNullAt(xCol) && (!hasTangent || !r.isNullAt(tCol));
      live[i] = ok;
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
    buf.x = x;
    buf.t = hasTangent ? t : buf.t;
    buf.live = live;
    double[] res = buf.results;
    if (b > 0) {
      if (res.length < b * per) {
        res = new double[b * per];
        buf.results = res;
      }
      op.runInto(CompiledSpec.ONE_THREAD, x, n, t, b, res); // reads the first b rows of x and t
    }
    int k = 0;
    for (int i = 0; i < batch.size(); i++) {
      Object value = null;
      if (live[i]) {
        value = matRows > 0 ? SparkArrays.matrix(res, k * per, matRows, per / matRows) : SparkArrays.vector(res, k * per, per);
        k++;
      }
      out.add(new JoinedRow(batch.get(i), new GenericInternalRow(new Object[] {value})));
    }
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
}
