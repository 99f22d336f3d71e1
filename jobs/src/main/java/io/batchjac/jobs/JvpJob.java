package io.batchjac.jobs;

/** spark-submit main class of `batchjac jvp` (see {@link SubmitMain}). */
public final class JvpJob {
  private JvpJob() {}

  public static void main(String[] args) {
    SubmitMain.run("jvp", args);
  }
}
