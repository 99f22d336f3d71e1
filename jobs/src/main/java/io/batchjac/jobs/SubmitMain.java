package io.batchjac.jobs;

import io.batchjac.jobs.cli.Main;
import io.batchjac.udfs.SafetyConf;
import io.batchjac.jobs.core.ExecutorBlasEnvironment;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The spark-submit entry points, one main class per job ({@code main -> run(spark) -> stop}):
 * the arguments are the subcommand's options (as for {@code bin/batchjac}, without the
 * subcommand name); the master and configuration come from spark-submit, plus the executors'
 * OpenBLAS kernel set when not configured ({@link ExecutorBlasEnvironment}). These are the
 * operator's own jobs: SQL specs ({@code SqlJob}) may read any file unless
 * {@code --conf spark.batchjac.files.allowed=...} restricts them.
 * <pre>
 * spark-submit --class io.batchjac.jobs.JacobianJob jobs/target/batchjac-jobs-VERSION-app.jar \
 *     --spec conf/examples/mlp.fn --samples 1000000 --output out/jac.npy
 * </pre>
 */
final class SubmitMain {
  private SubmitMain() {}

  static void run(String subcommand, String[] args) {
    SparkSession.Builder builder = ExecutorBlasEnvironment.apply(
        SparkSession.builder().appName("batchjac " + subcommand), new SparkConf());
    if (!new SparkConf().contains(SafetyConf.FILES_ALLOWED)) {
      // the operator's own job: its SQL specs may read any file unless --conf says otherwise
      builder.config(SafetyConf.FILES_ALLOWED, "*");
    }
    SparkSession spark = builder.getOrCreate();
    int status;
    try {
      String[] all = new String[args.length + 1];
      all[0] = subcommand;
      System.arraycopy(args, 0, all, 1, args.length);
      status = Main.run(all);
    } finally {
      spark.stop();
    }
    if (status != 0) {
      System.exit(status);
    }
  }
}
