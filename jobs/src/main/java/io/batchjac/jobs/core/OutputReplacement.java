package io.batchjac.jobs.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Puts a finished output (a temporary file or directory beside the target) in place of the target,
 * and deletes a replaced output in the background.
 *
 * <p>Why in the background: deleting a large file that has reached the disk takes the device's
 * time, not the CPU's (on this project's machines, whose file system discards freed blocks, 0.2-0.6
 * s for a 1 GiB {@code .npy}, 0.05 s of it CPU; docs/benchmarks.md). A job replacing its previous
 * result waited for that before it returned. Now the replaced output is first given a hidden name
 * beside it ({@code .NAME.old-UUID}), the new one takes its place, and a daemon thread deletes the
 * hidden one while the caller goes on. A JVM shutdown hook waits for deletions still running, so
 * a CLI run leaves nothing behind when it exits normally; a JVM that is killed may leave a hidden
 * {@code .NAME.old-*} entry, which the next replacement of the same target deletes.
 *
 * <p>A regular file is replaced atomically: the hidden name is a second hard link to it, and the
 * new file is renamed over the target, so the target never disappears (where hard links are not
 * supported, the rename alone replaces it and the old file is freed in it). A directory (Parquet)
 * is renamed aside and the new one renamed in; should that fail, the old one is renamed back.
 */
final class OutputReplacement {
  private OutputReplacement() {}

  private static final String OLD = ".old-";

  /** One daemon thread deleting replaced outputs in turn. */
  private static final ExecutorService DELETER = Executors.newSingleThreadExecutor(r -> {
    Thread t = new Thread(r, "batchjac-output-deleter");
    t.setDaemon(true);
    return t;
  });

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(() -> awaitDeletions(10, TimeUnit.MINUTES),
        "batchjac-output-deleter-wait"));
  }

  /**
   * Renames {@code temp} to {@code target}. When {@code overwrite} and the target exists it is
   * replaced, and deleted in the background; without {@code overwrite} the caller has checked that
   * there is no target.
   */
  static void replace(Path temp, Path target, boolean overwrite) throws IOException {
    if (!overwrite || !Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      return;
    }
    deleteLeftovers(target); // before the new hidden name exists: it is queued below, once
    Path aside = target.resolveSibling("." + target.getFileName() + OLD + UUID.randomUUID());
    if (Files.isRegularFile(target, LinkOption.NOFOLLOW_LINKS)) {
      boolean linked = link(aside, target);
      try {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        if (linked) {
          Files.deleteIfExists(aside); // the target still holds the old file
        }
        throw e;
      }
      if (linked) {
        deleteLater(aside);
      }
    } else {
      Files.move(target, aside, StandardCopyOption.ATOMIC_MOVE);
      try {
        Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (IOException | RuntimeException e) {
        Files.move(aside, target, StandardCopyOption.ATOMIC_MOVE);
        throw e;
      }
      deleteLater(aside);
    }
  }

  /** A second hard link {@code aside} to {@code target}; false where the file system has none. */
  private static boolean link(Path aside, Path target) {
    try {
      Files.createLink(aside, target);
      return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return false;
    }
  }

  /** Queues the hidden entries a killed JVM left beside {@code target} ({@code .NAME.old-*}) for deletion. */
  private static void deleteLeftovers(Path target) {
    String prefix = "." + target.getFileName() + OLD;
    try (var s = Files.list(target.toAbsolutePath().getParent())) {
      s.filter(p -> p.getFileName().toString().startsWith(prefix)).forEach(OutputReplacement::deleteLater);
    } catch (IOException | RuntimeException e) {
      // best effort: a leftover stays until the next replacement
    }
  }

  private static void deleteLater(Path p) {
    DELETER.execute(() -> {
      try {
        deleteTree(p);
      } catch (IOException | RuntimeException e) {
        System.err.println("batchjac: could not delete the replaced output " + p + ": " + e.getMessage());
      }
    });
  }

  /** Deletes {@code p} and everything under it (nothing when it does not exist). */
  static void deleteTree(Path p) throws IOException {
    if (!Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    try (Stream<Path> all = Files.walk(p)) {
      for (Path q : all.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(q);
      }
    }
  }

  /** Waits until the deletions queued so far are done (at most {@code timeout}). */
  static void awaitDeletions(long timeout, TimeUnit unit) {
    try {
      DELETER.submit(() -> {}).get(timeout, unit);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
      // nothing more to do: a deletion still running is the file system's
    }
  }
}
