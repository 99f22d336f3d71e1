package io.batchjac.jobs.core;

import io.batchjac.engine.stats.SensitivityReport;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The output directory of a sensitivity analysis: {@code sensitivity.json}
 * ({@link SensitivityJson}), {@code sensitivity.csv} ({@link SensitivityCsv}),
 * {@code heatmap.png} and one {@code bars-OUTPUT.png} per output ({@link SensitivityCharts}).
 * Everything is written into a temporary sibling directory ({@code .NAME.tmp-...}) that is
 * renamed to NAME when complete: a failed run leaves nothing behind, and an existing NAME is
 * replaced only with {@code --overwrite}.
 */
final class SensitivityFiles {
  private SensitivityFiles() {}

  /** The files the directory will hold, in order. */
  static List<String> names(SensitivityReport r) {
    List<String> l = new ArrayList<>(List.of("sensitivity.json", "sensitivity.csv", "heatmap.png"));
    for (int m = 0; m < r.outputNames().size(); m++) {
      l.add(SensitivityCharts.barsFile(r, m));
    }
    return l;
  }

  static void write(SensitivitySummary s, boolean overwrite) throws IOException {
    Path dir = s.output().toAbsolutePath();
    Path parent = dir.getParent();
    Files.createDirectories(parent);
    Path temp = Files.createDirectory(parent.resolve("." + dir.getFileName() + ".tmp-" + System.nanoTime()));
    boolean done = false;
    try {
      SensitivityReport r = s.report();
      SensitivityJson.write(temp.resolve("sensitivity.json"), s);
      SensitivityCsv.write(temp.resolve("sensitivity.csv"), r);
      SensitivityCharts.heatmap(r, temp.resolve("heatmap.png"));
      for (int m = 0; m < r.outputNames().size(); m++) {
        SensitivityCharts.bars(r, m, temp.resolve(SensitivityCharts.barsFile(r, m)));
      }
      commit(temp, dir, overwrite, s.output());
      done = true;
    } finally {
      if (!done) {
        OutputReplacement.deleteTree(temp);
      }
    }
  }

  /**
   * Renames {@code temp} to {@code dir}; an existing {@code dir} is replaced only when asked (and
   * deleted in the background, see {@link OutputReplacement}).
   */
  private static void commit(Path temp, Path dir, boolean overwrite, Path asGiven) throws IOException {
    if (!Files.exists(dir, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      try {
        Files.move(temp, dir, StandardCopyOption.ATOMIC_MOVE);
        return;
      } catch (FileAlreadyExistsException e) {
        // created meanwhile: fall through
      }
    }
    if (!overwrite) {
      throw new IllegalArgumentException("--output " + asGiven + " already exists (use --overwrite to replace it)");
    }
    OutputReplacement.replace(temp, dir, true);
  }
}
