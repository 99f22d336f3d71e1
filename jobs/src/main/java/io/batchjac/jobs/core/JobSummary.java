package io.batchjac.jobs.core;

import java.util.Locale;

/** What a finished job reports: one line for the console. */
public record JobSummary(Operation op, long samples, double seconds, String output, String layout, String blas) {
  public String line() {
    return String.format(Locale.ROOT, "%s: %,d samples in %.2f s (%,.0f samples/s) -> %s %s; BLAS: %s",
        op.cliName(), samples, seconds, seconds > 0 ? samples / seconds : 0.0, output, layout, blas);
  }
}
