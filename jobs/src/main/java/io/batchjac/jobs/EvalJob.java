package io.batchjac.jobs;

/** spark-submit main class of `batchjac eval` (see {@link SubmitMain}). */
public final class EvalJob {
  private EvalJob() {}

  public static void main(String[] args) {
    SubmitMain.run("eval", args);
  }
}
