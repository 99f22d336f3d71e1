package io.batchjac.jobs.cli;

import java.util.concurrent.Callable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code batchjac sql "QUERY"}: runs a Spark SQL query on the embedded session (or
 * {@code --master}) and prints the result table. batchjac's SQL functions ({@code jacobian},
 * {@code gradient}, {@code jvp}, {@code vjp}, {@code hessian}, {@code evaluate}; see docs/sql.md)
 * are in the session already: Spark installs them in every session it builds from the udfs jar's
 * service entry ({@code io.batchjac.udfs.BatchjacExtensions}), so this command registers
 * nothing itself.
 */
@Command(name = "sql", mixinStandardHelpOptions = true,
    description = "Run a Spark SQL query with the derivative functions registered and print the result.")
final class SqlCommand implements Callable<Integer> {
  @Spec
  CommandSpec spec;

  @Parameters(index = "0", paramLabel = "QUERY", description = "The SQL query, e.g. \"SELECT gradient('conf/examples/ishigami.fn', array(1.0, 2.0, 3.0))\".")
  String query;

  @Option(names = "--master", paramLabel = "URL", description = "Spark master URL (default: embedded local[*]).")
  String master;

  @Option(names = "--rows", defaultValue = "20", description = "Rows to print (default ${DEFAULT-VALUE}).")
  int rows;

  @Override
  public Integer call() throws Exception {
    try (Sessions.Handle h = Sessions.open(master, "batchjac sql")) {
      Dataset<Row> result = h.spark().sql(query);
      java.util.List<Row> shown = result.limit(rows + 1).collectAsList();
      java.io.PrintWriter out = spec.commandLine().getOut();
      out.println(String.join(" | ", result.columns()));
      for (int r = 0; r < Math.min(rows, shown.size()); r++) {
        Row row = shown.get(r);
        java.util.List<String> cells = new java.util.ArrayList<>();
        for (int c = 0; c < row.length(); c++) {
          cells.add(cell(row.get(c)));
        }
        out.println(String.join(" | ", cells));
      }
      if (shown.size() > rows) {
        out.println("(only the first " + rows + " rows shown; --rows N for more)");
      }
      out.flush();
    }
    return 0;
  }

  /** A value as text: arrays (Scala sequences) as {@code [a, b, ...]}, nested ones recursively. */
  static String cell(Object v) {
    if (v == null) {
      return "NULL";
    }
    if (v instanceof scala.collection.Seq<?> seq) {
      StringBuilder sb = new StringBuilder("[");
      scala.collection.Iterator<?> it = seq.iterator();
      while (it.hasNext()) {
        sb.append(cell(it.next()));
        if (it.hasNext()) {
          sb.append(", ");
        }
      }
      return sb.append(']').toString();
    }
    return String.valueOf(v);
  }
}
