package io.batchjac.udfs;

import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * One partition of {@link DerivativeTransformer}: reads rows lazily, gathers up to
 * {@code batchSize} of them (fewer when one row's result is large: at most
 * {@link #MAX_RESULT_DOUBLES} result values per batch), runs the engine once for the batch on this task's thread and
 * returns the rows with the result appended. Rows whose input (or tangent) is null are left out
 * of the batch and get a null result.
 */
final class BatchMapper implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;
  /** At most this many result values per engine call (32 MiB): large Jacobians get smaller batches. */
  static final long MAX_RESULT_DOUBLES = 1L << 22;

  private final BatchPlan plan;

  BatchMapper(BatchPlan plan) {
    this.plan = plan;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> rows) {
    CompiledSpec cs = SpecCache.get(plan.source());
    Engine engine = new Engine(CompiledSpec.ONE_THREAD); // one Spark task = one core
    return new Iterator<>() {
      private final List<Row> out = new ArrayList<>();
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
        fill(rows, cs, engine, out);
        return !out.isEmpty();
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        return out.get(next++);
      }
    };
  }

  /** Reads the next batch of rows and appends them, with their results, to {@code out}. */
  private void fill(Iterator<Row> rows, CompiledSpec cs, Engine engine, List<Row> out) {
    Graph f = cs.graph();
    int n = cs.inputSize();
    boolean hasTangent = plan.tanIndex() >= 0;
    int tw = hasTangent ? plan.tangentWidth(cs) : 0;
    int[] shape = plan.resultShape(cs);
    int per = shape[0];
    int matRows = shape[1];
    int cap = (int) Math.max(1, Math.min(plan.batchSize(), MAX_RESULT_DOUBLES / Math.max(1, per)));
    List<Row> batch = new ArrayList<>(Math.min(cap, 1 << 16));
    double[] x = new double[Math.min(cap, 1 << 16) * n];
    double[] t = hasTangent ? new double[Math.min(cap, 1 << 16) * tw] : null;
    boolean[] live = new boolean[Math.min(cap, 1 << 16)];
    int b = 0;
    while (batch.size() < cap && rows.hasNext()) {
      Row r = rows.next();
      int i = batch.size();
      batch.add(r);
      if (i >= live.length) {
        live = Arrays.copyOf(live, live.length * 2);
      }
      boolean ok = !r.isNullAt(plan.inIndex()) && (!hasTangent || !r.isNullAt(plan.tanIndex()));
      live[i] = ok;
      if (!ok) {
        continue;
      }
      if ((b + 1) * n > x.length) {
        x = Arrays.copyOf(x, Math.max(x.length * 2, (b + 1) * n));
      }
      read(r, plan.inIndex(), plan.inName(), x, b * n, n, cs, true);
      if (hasTangent) {
        if ((b + 1) * tw > t.length) {
          t = Arrays.copyOf(t, Math.max(t.length * 2, (b + 1) * tw));
        }
        read(r, plan.tanIndex(), plan.tanName(), t, b * tw, tw, cs, plan.mode().equals("jvp"));
      }
      b++;
    }
    double[] res = null;
    if (b > 0) {
      res = plan.run(engine, f, Arrays.copyOf(x, b * n), hasTangent ? Arrays.copyOf(t, b * tw) : null, b);
    }
    int k = 0;
    for (int i = 0; i < batch.size(); i++) {
      Row r = batch.get(i);
      Object value = null;
      if (live[i]) {
        double[] block = Arrays.copyOfRange(res, k * per, (k + 1) * per);
        value = matRows > 0 ? SqlFunction.rows(block, matRows, per / matRows) : block;
        k++;
      }
      Object[] vals = new Object[r.length() + 1];
      for (int c = 0; c < r.length(); c++) {
        vals[c] = r.get(c);
      }
      vals[r.length()] = value;
      out.add(RowFactory.create(vals));
    }
  }

  /** Copies one row's array column into {@code dst}, checking its length and elements. */
  private void read(Row r, int col, String name, double[] dst, int off, int want, CompiledSpec cs, boolean inputs) {
    List<Object> list = r.getList(col);
    if (list.size() != want) {
      throw new IllegalArgumentException(plan.who() + ": column '" + name + "' has " + list.size()
          + (list.size() == 1 ? " value" : " values") + " in a row" + cs.lengthProblem(list.size(), want, inputs));
    }
    for (int j = 0; j < want; j++) {
      Object e = list.get(j);
      if (e == null) {
        throw new IllegalArgumentException(plan.who() + ": column '" + name + "' has a null value at position "
            + (j + 1) + " (positions count from 1); use NaN for a missing value, or filter the row out");
      }
      dst[off + j] = ((Number) e).doubleValue();
    }
  }
}
