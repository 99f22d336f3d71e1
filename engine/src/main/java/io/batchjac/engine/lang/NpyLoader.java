package io.batchjac.engine.lang;

import io.batchjac.engine.tensor.NpyFormatException;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/** Reads the {@code .npy} files named by {@code param NAME = load("file.npy")}. */
final class NpyLoader {
  private NpyLoader() {}

  /**
   * Reads {@code load("file.npy")} (arity already checked): the file relative to
   * {@code baseDir} (null: the current directory). A missing file is an error naming the resolved
   * absolute path; a malformed one gives the reader's message; a file the {@code files}' policy
   * refuses ({@link FileAccessException}) gives the policy's message; all at the string's position.
   */
  static Tensor load(SourceText src, Path baseDir, TensorFiles files, Expr.Call c) {
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
    try {
      if (!files.exists(shown)) {
        throw src.error(s.at(), "cannot load \"" + name + "\": file not found: " + shown);
      }
      return files.read(shown);
    } catch (FileAccessException e) {
      throw src.error(s.at(), "cannot load \"" + name + "\": " + e.getMessage());
    } catch (NpyFormatException e) {
      throw src.error(s.at(), e.getMessage());
    } catch (IOException e) {
      throw src.error(s.at(), "cannot load \"" + name + "\": cannot read " + shown + ": " + e);
    }
  }
}
