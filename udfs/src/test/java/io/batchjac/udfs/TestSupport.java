package io.batchjac.udfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.fail;

import io.batchjac.engine.api.Engine;
import io.batchjac.engine.exec.Executor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.jdk.javaapi.CollectionConverters;

/** Shared helpers: example specs, local sessions, the in-process engine, tolerance comparisons. */
final class TestSupport {
  private TestSupport() {}

  /** An inline spec with two inputs of different shapes and two outputs (N = 4, M = 3). */
  static final String MULTI = "input x[3]; input t; output y = x * t; output z = sum(x^2) + sin(t)";
  /** A scalar function of two inputs (N = 2, M = 1). */
  static final String SCALAR = "input x[2]; output x[0] * cos(x[1])";

  /** The operator's own code: any file, default limits. */
  static final SafetyConf TRUSTED = SafetyConf.unrestricted();

  /** A path or inline spec compiled for trusted code (through the cache). */
  static CompiledSpec compiled(String spec) {
    return SpecCache.get(SpecSource.resolve(spec, TRUSTED), TRUSTED);
  }

  /** {@code conf/examples}, found by walking up from the working directory. */
  static Path examples() {
    Path dir = Path.of("").toAbsolutePath();
    for (Path p = dir; p != null; p = p.getParent()) {
      Path c = p.resolve("conf").resolve("examples");
      if (Files.isDirectory(c)) {
        return c;
      }
    }
    throw new IllegalStateException("conf/examples not found above " + dir);
  }

  static String example(String name) {
    return examples().resolve(name).toString();
  }

  /** The directories the tests' sessions let SQL specs read: the examples, the engine's test models, the temporary directory. */
  static String allowedDirs() {
    return examples() + "," + examples().resolve("../../engine/src/test/resources").normalize() + ","
        + System.getProperty("java.io.tmpdir");
  }

  /**
   * A local[2] session without UI, optionally with the batchjac extension. SQL specs may read
   * files under {@link #allowedDirs()}.
   */
  static SparkSession.Builder localBuilder(String app) {
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
    return SparkSession.builder().master("local[2]").appName(app)
        .config(SafetyConf.FILES_ALLOWED, allowedDirs())
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.driver.bindAddress", "127.0.0.1");
  }

  static void stop(SparkSession spark) {
    if (spark != null) {
      spark.stop();
    }
    SparkSession.clearActiveSession();
    SparkSession.clearDefaultSession();
  }

  /** The engine as a user would call it in process (one thread, default chunks). */
  static Engine engine() {
    return new Engine(new Executor(1, Executor.DEFAULT_CHUNK_DOUBLES));
  }

  /** Plausible Borehole inputs (inside the spec's uniform ranges). */
  static double[] boreholeRow(Random r) {
    double[][] ranges = {{0.05, 0.15}, {100, 50000}, {63070, 115600}, {990, 1110}, {63.1, 116}, {700, 820},
        {1120, 1680}, {9855, 12045}};
    double[] x = new double[8];
    for (int i = 0; i < 8; i++) {
      x[i] = ranges[i][0] + (ranges[i][1] - ranges[i][0]) * r.nextDouble();
    }
    return x;
  }

  /**
   * Rows of test inputs, also registered as a temp view with columns {@code id int, bx} (Borehole
   * inputs, 8 values), {@code mx}, {@code mu} (MLP inputs and tangents, 16), {@code mv} (MLP
   * cotangents, 8): each array&lt;double&gt;, with nullable elements when {@code boxed} (Spark's
   * usual type for a table column) or without.
   */
  record Samples(double[][] bx, double[][] mx, double[][] mu, double[][] mv) {
    static Samples create(SparkSession spark, String view, long seed, int rows, boolean boxed) {
      Random r = new Random(seed);
      Samples s = new Samples(new double[rows][], new double[rows][], new double[rows][], new double[rows][]);
      List<Row> data = new ArrayList<>();
      for (int i = 0; i < rows; i++) {
        s.bx[i] = boreholeRow(r);
        s.mx[i] = gaussian(r, 16);
        s.mu[i] = gaussian(r, 16);
        s.mv[i] = gaussian(r, 8);
        data.add(boxed ? RowFactory.create(i, box(s.bx[i]), box(s.mx[i]), box(s.mu[i]), box(s.mv[i]))
            : RowFactory.create(i, s.bx[i], s.mx[i], s.mu[i], s.mv[i]));
      }
      DataType array = DataTypes.createArrayType(DataTypes.DoubleType, boxed);
      StructType schema = new StructType().add("id", DataTypes.IntegerType)
          .add("bx", array).add("mx", array).add("mu", array).add("mv", array);
      spark.createDataFrame(data, schema).createOrReplaceTempView(view);
      return s;
    }

    private static Double[] box(double[] d) {
      Double[] o = new Double[d.length];
      for (int i = 0; i < d.length; i++) {
        o[i] = d[i];
      }
      return o;
    }
  }

  static double[] gaussian(Random r, int n) {
    double[] x = new double[n];
    for (int i = 0; i < n; i++) {
      x[i] = r.nextGaussian();
    }
    return x;
  }

  /** Sample b's block of {@code per} values of a batch-last engine result. */
  static double[] block(double[] data, int b, int per) {
    double[] out = new double[per];
    System.arraycopy(data, b * per, out, 0, per);
    return out;
  }

  /** A Fortran-order (rows, cols) block as rows. */
  static double[][] rows(double[] f, int rows, int cols) {
    return SqlFunction.rows(f, rows, cols);
  }

  // ------------------------------------------------------------------ Spark values

  /** An array<double> value of a collected row (a Seq, a java List or a double[]) as doubles; null stays null. */
  static double[] vector(Object v) {
    if (v == null) {
      return null;
    }
    if (v instanceof double[] d) {
      return d;
    }
    List<?> list = asList(v);
    double[] out = new double[list.size()];
    for (int i = 0; i < out.length; i++) {
      out[i] = ((Number) list.get(i)).doubleValue();
    }
    return out;
  }

  /** An array<array<double>> value as rows; null stays null. */
  static double[][] matrix(Object v) {
    if (v == null) {
      return null;
    }
    List<?> list = asList(v);
    double[][] out = new double[list.size()][];
    for (int i = 0; i < out.length; i++) {
      out[i] = vector(list.get(i));
    }
    return out;
  }

  private static List<?> asList(Object v) {
    if (v instanceof List<?> l) {
      return l;
    }
    if (v instanceof scala.collection.Seq<?> s) {
      return CollectionConverters.asJava(s);
    }
    if (v instanceof Object[] o) {
      return List.of(o);
    }
    throw new AssertionError("not an array value: " + v.getClass());
  }

  static double[] column(Row r, String name) {
    return vector(r.get(r.fieldIndex(name)));
  }

  // ------------------------------------------------------------------ tolerance comparisons

  /** Equal within {@code tol} relative to max(1, |expected|); NaN equals NaN. */
  static void assertClose(double[] expected, double[] actual, double tol, String what) {
    if (expected == null) {
      assertNull(actual, what);
      return;
    }
    assertNotNull(actual, what);
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      double e = expected[i];
      double a = actual[i];
      if (Double.isNaN(e) || Double.isNaN(a)) {
        if (!(Double.isNaN(e) && Double.isNaN(a))) {
          fail(what + "[" + i + "]: expected " + e + " but was " + a);
        }
        continue;
      }
      if (Math.abs(e - a) > tol * Math.max(1, Math.abs(e))) {
        fail(what + "[" + i + "]: expected " + e + " but was " + a + " (tolerance " + tol + ")");
      }
    }
  }

  static void assertClose(double[][] expected, double[][] actual, double tol, String what) {
    if (expected == null) {
      assertNull(actual, what);
      return;
    }
    assertNotNull(actual, what);
    assertEquals(expected.length, actual.length, what + ": rows");
    for (int i = 0; i < expected.length; i++) {
      assertClose(expected[i], actual[i], tol, what + "[" + i + "]");
    }
  }

  /** Rows of a collected result, each row's named array column as doubles. */
  static List<double[]> vectors(List<Row> rows, String col) {
    List<double[]> out = new ArrayList<>();
    for (Row r : rows) {
      out.add(vector(r.get(r.fieldIndex(col))));
    }
    return out;
  }
}
