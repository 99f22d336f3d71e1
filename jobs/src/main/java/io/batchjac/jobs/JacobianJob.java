package io.batchjac.jobs;

/** spark-submit main class of `batchjac jacobian` (see {@link SubmitMain}). */
public final class JacobianJob {
  private JacobianJob() {}

  public static void main(String[] args) {
    SubmitMain.run("jacobian", args);
  }
}
