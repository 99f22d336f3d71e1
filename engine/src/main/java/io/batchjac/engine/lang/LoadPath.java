package io.batchjac.engine.lang;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * The file a {@code load("...")} call names, for tensors ({@link NpyLoader}) and model files
 * ({@link Models}) alike.
 */
final class LoadPath {
  private LoadPath() {}

  /**
   * The absolute, normalized path of {@code load("name")} (arity already checked), relative to
   * {@code baseDir} (null: the current directory). Errors at the argument: not a string, an
   * invalid path, a file the {@code files}' policy refuses ({@link FileAccessException}: its
   * message), a file that {@code files} does not have (naming the resolved path).
   */
  static Path resolve(SourceText src, Path baseDir, TensorFiles files, Expr.Call c) {
    Expr arg = c.args().get(0);
    if (!(arg instanceof Expr.Str s)) {
      throw src.error(arg.at(), "expected a file name in double quotes but found " + arg.at().describe());
    }
    String name = s.at().text();
    Path file;
    try {
      file = baseDir == null ? Path.of(name) : baseDir.resolve(name);
    } catch (InvalidPathException e) {
      throw src.error(s.at(), "cannot load \"" + name + "\": invalid path (" + e.getReason() + ")");
    }
    Path shown = file.toAbsolutePath().normalize();
    boolean exists;
    try {
      exists = files.exists(shown);
    } catch (FileAccessException e) {
      throw src.error(s.at(), "cannot load \"" + name + "\": " + e.getMessage());
    }
    if (!exists) {
      throw src.error(s.at(), "cannot load \"" + name + "\": file not found: " + shown);
    }
    return shown;
  }
}
