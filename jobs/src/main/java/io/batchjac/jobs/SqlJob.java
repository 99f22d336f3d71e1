package io.batchjac.jobs;

/**
 * spark-submit main class of `batchjac sql` (see {@link SubmitMain}): runs the query given as the
 * argument and prints its result table. With
 * {@code --conf spark.sql.extensions=io.batchjac.udfs.BatchjacExtensions} the functions come from
 * the extension; without it they are registered on the session.
 */
public final class SqlJob {
  private SqlJob() {}

  public static void main(String[] args) {
    SubmitMain.run("sql", args);
  }
}
