package io.batchjac.jobs;

/** spark-submit main class of `batchjac vjp` (see {@link SubmitMain}). */
public final class VjpJob {
  private VjpJob() {}

  public static void main(String[] args) {
    SubmitMain.run("vjp", args);
  }
}
