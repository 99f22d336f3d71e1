package io.batchjac.engine.lang;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Which files a spec may read, and how large they may be: either {@link #unrestricted()} (the
 * operator's own command line and jobs) or {@link #onlyUnder} a list of directories (specs that
 * arrive as data, e.g. from SQL users).
 *
 * <p>{@link #check(Path)} resolves a path the way the operating system will when it opens it
 * (symbolic links followed, {@code ..} taken after the link it follows; a file that does not
 * exist yet is resolved through its nearest existing parent) and accepts it only when that real
 * path lies inside one of the directories (themselves resolved when the policy is made). A
 * refused path is refused the same way whether it exists or not, so the answer reveals nothing
 * about files outside the directories. An accepted file that exists must be at most
 * {@link #maxFileBytes()} bytes long.
 *
 * <p>Messages name what to change through two hints given by the caller (the engine knows no
 * configuration system): how to allow a directory, and how to raise the size limit. Serializable
 * (directories kept as strings) so that it travels with a Spark task; equal policies are
 * {@link #equals equal}.
 *
 * <p>{@link #guard(TensorFiles)} applies the policy to every file a spec's {@code load("...")}
 * reads.
 */
public record FileAccessPolicy(List<String> allowedDirs, long maxFileBytes, String howToAllow, String howToRaise)
    implements Serializable {
  /** A policy; {@code allowedDirs} null means unrestricted, empty means no file at all. */
  public FileAccessPolicy {
    allowedDirs = allowedDirs == null ? null : List.copyOf(allowedDirs);
    if (maxFileBytes <= 0) {
      throw new IllegalArgumentException("the largest file size must be positive, got " + maxFileBytes);
    }
  }

  /** Any file of any size (the command line, spark-submit jobs). */
  public static FileAccessPolicy unrestricted() {
    return new FileAccessPolicy(null, Long.MAX_VALUE, "", "");
  }

  /**
   * Only files inside {@code dirs} (none: no file at all), at most {@code maxFileBytes} long.
   *
   * @param howToAllow ends the message of a refused path, e.g. "set spark.batchjac.files.allowed"
   * @param howToRaise ends the message of a file too large, e.g. "raise spark.batchjac.limits.fileBytes"
   */
  public static FileAccessPolicy onlyUnder(List<Path> dirs, long maxFileBytes, String howToAllow, String howToRaise) {
    List<String> real = new ArrayList<>();
    for (Path d : dirs) {
      real.add(realPath(d).toString());
    }
    return new FileAccessPolicy(real, maxFileBytes, howToAllow, howToRaise);
  }

  /** False when any file may be read. */
  public boolean restricted() {
    return allowedDirs != null;
  }

  /**
   * The real path of {@code file} when the policy lets it be read, else a
   * {@link FileAccessException} saying why and what to change. Read the returned path (not the
   * one given), so that what is read is what was checked.
   */
  public Path check(Path file) {
    if (!restricted()) {
      return file;
    }
    Path real = realPath(file);
    if (allowedDirs.isEmpty()) {
      throw new FileAccessException(file, "specs here may not read files (no directory is allowed; "
          + howToAllow + ")");
    }
    boolean inside = allowedDirs.stream().anyMatch(d -> real.startsWith(Path.of(d)));
    if (!inside) {
      throw new FileAccessException(file, "not inside the directories specs here may read ("
          + String.join(", ", allowedDirs) + "; " + howToAllow + ")");
    }
    long size = size(real);
    if (size > maxFileBytes) {
      throw new FileAccessException(file, "the file has " + size + " bytes, more than the limit of "
          + maxFileBytes + " bytes for a file a spec reads (" + howToRaise + ")");
    }
    return real;
  }

  /** {@code files} restricted by this policy (or {@code files} itself when unrestricted). */
  public TensorFiles guard(TensorFiles files) {
    return restricted() ? new GuardedFiles(files, this) : files;
  }

  /**
   * Where the operating system would find {@code file}: {@link Path#toRealPath} of the absolute
   * path, or for a file that does not exist the real path of its parent and then its name
   * ({@code ..} of a missing directory is taken lexically: opening it would fail anyway).
   */
  static Path realPath(Path file) {
    Path abs = file.toAbsolutePath();
    try {
      return abs.toRealPath();
    } catch (NoSuchFileException e) {
      Path parent = abs.getParent();
      return parent == null ? abs.normalize() : realPath(parent).resolve(abs.getFileName()).normalize();
    } catch (IOException | InvalidPathException e) {
      // unreadable (e.g. a directory without search permission): judge the lexical path
      return abs.normalize();
    }
  }

  private static long size(Path real) {
    try {
      return Files.isRegularFile(real) ? Files.size(real) : 0;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the size of " + real, e);
    }
  }
}
