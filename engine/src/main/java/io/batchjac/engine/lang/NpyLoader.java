package io.batchjac.engine.lang;

import io.batchjac.engine.tensor.NpyFormatException;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/** Reads the {@code .npy} files named by {@code param NAME = load("file.npy")}. */
final class NpyLoader {
  private NpyLoader() {}

  /**
   * Reads {@code load("file.npy")} (arity already checked): the file relative to
   * {@code baseDir} (null: the current directory). A missing file is an error naming the resolved
   * absolute path ({@link LoadPath}); a malformed one gives the reader's message; a file the
   * {@code files}' policy refuses ({@link FileAccessException}) gives the policy's message; all at
   * the string's position.
   */
  static Tensor load(SourceText src, Path baseDir, TensorFiles files, Expr.Call c) {
    Path shown = LoadPath.resolve(src, baseDir, files, c);
    Token at = c.args().get(0).at();
    try {
      return files.read(shown);
    } catch (FileAccessException e) {
      throw src.error(at, "cannot load \"" + at.text() + "\": " + e.getMessage());
    } catch (NpyFormatException e) {
      throw src.error(at, e.getMessage());
    } catch (IOException e) {
      throw src.error(at, "cannot load \"" + at.text() + "\": cannot read " + shown + ": " + e);
    }
  }
}
