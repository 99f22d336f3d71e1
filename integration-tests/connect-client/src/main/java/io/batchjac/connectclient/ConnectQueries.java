package io.batchjac.connectclient;

import static org.apache.spark.sql.functions.call_function;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.batchjac.udfs.functions;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A Spark Connect client that runs batchjac's functions on a server and writes what came back.
 *
 * <p>Usage: {@code ConnectQueries URL SAMPLES BOREHOLE MLP ONNX OUT}: {@code URL} is
 * {@code sc://host:port}; {@code SAMPLES} a JSON-lines file on the server's file system with
 * columns {@code id, bx, mx, mu, mv, ox}; the next three are spec paths (a Borehole-like .fn with
 * one output, an MLP .fn of 16 inputs and 8 outputs, an ONNX model of 4 inputs); {@code OUT} the
 * file written.
 *
 * <p>Output: one line per value, {@code KEY<TAB>TEXT}. Numbers are written as the hexadecimal
 * raw bits of each double (so the reader compares bit for bit), a matrix's rows separated by
 * {@code ;}, values by {@code ,}: {@code gradient/ID}, {@code jacobian/ID} (SQL text),
 * {@code jvp/ID} ({@code call_function}), {@code vjp/ID} and {@code hessian/ID}
 * ({@code io.batchjac.udfs.functions}), {@code onnx/ID}; then {@code nulls}, {@code describe},
 * {@code show}, and {@code error/NAME} with the class and message of an expected failure (line
 * breaks as {@code \n}). Exits with status 1 if anything unexpected failed.
 */
public final class ConnectQueries {
  private ConnectQueries() {}

  public static void main(String[] args) throws IOException {
    if (args.length != 6) {
      System.err.println("usage: ConnectQueries URL SAMPLES BOREHOLE MLP ONNX OUT");
      System.exit(2);
    }
    String url = args[0];
    String borehole = args[2];
    String mlp = args[3];
    String onnx = args[4];
    SparkSession spark = SparkSession.builder().remote(url).create();
    try (PrintWriter out = new PrintWriter(Files.newBufferedWriter(Path.of(args[5]), StandardCharsets.UTF_8))) {
      spark.read().schema("id INT, bx ARRAY<DOUBLE>, mx ARRAY<DOUBLE>, mu ARRAY<DOUBLE>, mv ARRAY<DOUBLE>, "
          + "ox ARRAY<DOUBLE>").json(args[1]).createOrReplaceTempView("samples");

      for (Row r : spark.sql("SELECT id, gradient('" + borehole + "', bx) g, jacobian('" + mlp + "', mx) j "
          + "FROM samples ORDER BY id").collectAsList()) {
        out.println("gradient/" + r.getInt(0) + "\t" + bits(r.get(1)));
        out.println("jacobian/" + r.getInt(0) + "\t" + bits(r.get(2)));
      }

      Dataset<Row> samples = spark.table("samples");
      for (Row r : samples.orderBy("id").select(col("id"),
          call_function("jvp", lit(mlp), col("mx"), col("mu")),
          functions.vjp(mlp, col("mx"), col("mv")),
          functions.hessian(lit(borehole), col("bx")),
          functions.jacobian(onnx, col("ox"))).collectAsList()) {
        out.println("jvp/" + r.getInt(0) + "\t" + bits(r.get(1)));
        out.println("vjp/" + r.getInt(0) + "\t" + bits(r.get(2)));
        out.println("hessian/" + r.getInt(0) + "\t" + bits(r.get(3)));
        out.println("onnx/" + r.getInt(0) + "\t" + bits(r.get(4)));
      }

      Row nulls = spark.sql("SELECT gradient('" + borehole + "', null), evaluate(cast(null AS string), "
          + "array(1.0))").first();
      out.println("nulls\t" + nulls.isNullAt(0) + "," + nulls.isNullAt(1));
      out.println("describe\t" + oneLine(spark.sql("DESCRIBE FUNCTION EXTENDED jacobian").collectAsList().stream()
          .map(r -> r.getString(0)).collect(Collectors.joining("\n"))));
      out.println("show\t" + spark.sql("SHOW FUNCTIONS LIKE 'jacobian|gradient|jvp|vjp|hessian|evaluate'")
          .collectAsList().stream().map(r -> r.getString(0)).sorted().collect(Collectors.joining(",")));

      out.println("error/length\t" + failure(() -> spark.sql("SELECT gradient('" + borehole + "', slice(bx, 1, 7)) "
          + "FROM samples").collectAsList()));
      out.println("error/spec\t" + failure(() -> spark.sql(
          "SELECT gradient('input x[2]; output x[0] * cso(x[1])', array(1.0, 2.0))").collectAsList()));
    } finally {
      spark.close();
    }
  }

  /** An array or nested array value as the hex raw bits of its doubles. */
  static String bits(Object value) {
    if (value == null) {
      return "null";
    }
    List<?> list = asList(value);
    if (!list.isEmpty() && !(list.get(0) instanceof Number)) {
      return list.stream().map(ConnectQueries::bits).collect(Collectors.joining(";"));
    }
    return list.stream().map(v -> Long.toHexString(Double.doubleToRawLongBits(((Number) v).doubleValue())))
        .collect(Collectors.joining(","));
  }

  private static List<?> asList(Object value) {
    if (value instanceof List<?> l) {
      return l;
    }
    if (value instanceof scala.collection.Seq<?> s) {
      return scala.jdk.javaapi.CollectionConverters.asJava(s);
    }
    throw new IllegalArgumentException("not an array value: " + value.getClass().getName());
  }

  /** The class and message of the exception {@code query} throws; an unexpected success is reported as such. */
  private static String failure(Runnable query) {
    try {
      query.run();
      return "NO ERROR";
    } catch (Exception e) { // SparkException is a checked exception that Spark throws undeclared
      return e.getClass().getName() + ": " + oneLine(String.valueOf(e.getMessage()));
    }
  }

  private static String oneLine(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }
}
