package io.batchjac.engine.lang;

import java.nio.file.Path;

/**
 * A file a spec may not read under its {@link FileAccessPolicy}: outside the allowed
 * directories, or larger than the limit. The message is {@code path: problem}, with the path as
 * given, why, and what setting changes it; it never says whether a refused file exists.
 */
public class FileAccessException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  private final String problem;

  public FileAccessException(Path file, String problem) {
    super(file + ": " + problem);
    this.problem = problem;
  }

  /** The message without the leading {@code path: }. */
  public String problem() {
    return problem;
  }
}
