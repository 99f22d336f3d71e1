package io.batchjac.jobs;

/** spark-submit main class of `batchjac sensitivity` (see {@link SubmitMain}). */
public final class SensitivityJob {
  private SensitivityJob() {}

  public static void main(String[] args) {
    SubmitMain.run("sensitivity", args);
  }
}
