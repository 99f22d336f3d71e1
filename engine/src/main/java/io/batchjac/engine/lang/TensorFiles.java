package io.batchjac.engine.lang;

import io.batchjac.engine.tensor.Npy;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where a spec's files are read from: the tensors of {@code load("file.npy")} ({@link #read}) and
 * the bytes of model files of {@code model NAME = load("file.onnx")} ({@link #bytes}). The local
 * disk by default; a Spark job replaces it with what the driver read, so executors need no access
 * to the spec's files. Paths given to every method are absolute and normalized.
 */
public interface TensorFiles {
  /** True when the (absolute, normalized) file exists. */
  boolean exists(Path file);

  /** The tensor in the (absolute, normalized) file. */
  Tensor read(Path file) throws IOException;

  /** The raw bytes of the (absolute, normalized) model file ({@code .onnx} or {@code .fn}). */
  byte[] bytes(Path file) throws IOException;

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

      @Override
      public byte[] bytes(Path file) throws IOException {
        return Files.readAllBytes(file);
      }
    };
  }
}
