package io.batchjac.jobs;

/** spark-submit main class of `batchjac hessian` (see {@link SubmitMain}). */
public final class HessianJob {
  private HessianJob() {}

  public static void main(String[] args) {
    SubmitMain.run("hessian", args);
  }
}
