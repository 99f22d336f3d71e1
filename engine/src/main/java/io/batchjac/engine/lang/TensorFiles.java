package io.batchjac.engine.lang;

import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where {@code load("file.npy")} reads from: the local disk by default; a Spark job replaces it
 * with the tensors the driver loaded, so executors need no access to the spec's files.
 */
public interface TensorFiles {
  /** True when the (absolute, normalized) file exists. */
  boolean exists(Path file);

  /** The tensor in the (absolute, normalized) file. */
  Tensor read(Path file) throws IOException;

  /** The local file system. */
  static TensorFiles disk() {
    return new TensorFiles() {
      @Override
      public boolean exists(Path file) {
        return Files.exists(file);
      }

      @Override
      public Tensor read(Path file) throws IOException {
        return Npy.read(file);
      }
    };
  }
}
