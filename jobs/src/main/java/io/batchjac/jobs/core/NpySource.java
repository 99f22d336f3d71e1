package io.batchjac.jobs.core;

import io.batchjac.engine.tensor.NpyFile;
import io.batchjac.engine.tensor.NpyFormatException;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Samples stored in a {@code .npy} file: C-order {@code (B, N)} or Fortran-order {@code (N, B)}
 * (the same memory: each sample's N values contiguous), or {@code (B,)} when N is 1; float32 and
 * integer files are widened. Each task reads only its own rows, so executors must see the file
 * at the same path (local mode, or a shared file system).
 */
public final class NpySource implements BatchSource {
  private static final long serialVersionUID = 1L;

  private final String path;
  private final long batch;
  private final int width;
  /** The file opened (header parsed) once per deserialized copy: a task reads sub-block after sub-block. */
  private transient NpyFile file;

  private NpySource(String path, long batch, int width) {
    this.path = path;
    this.batch = batch;
    this.width = width;
  }

  /**
   * Validates the file on the driver.
   *
   * @param what what the file is, for messages ("--input", "--tangent")
   * @param width the values each sample must have
   */
  public static NpySource open(String what, Path file, int width) throws IOException {
    NpyFile f;
    try {
      f = NpyFile.open(file);
    } catch (NoSuchFileException e) {
      throw new IllegalArgumentException(what + " " + file + ": file not found");
    } catch (NpyFormatException e) {
      throw e;
    } catch (IOException e) {
      // e.g. a directory ("Is a directory") or no permission: say which file
      throw new IllegalArgumentException(what + " " + file + ": cannot read it (" + e + ")", e);
    }
    Shape s = f.shape();
    long batch;
    if (s.rank() == 2 && f.order() == Tensor.Order.C && s.dim(1) == width) {
      batch = s.dim(0);
    } else if (s.rank() == 2 && f.order() == Tensor.Order.F && s.dim(0) == width) {
      batch = s.dim(1);
    } else if (s.rank() == 1 && width == 1) {
      batch = s.dim(0);
    } else {
      throw new IllegalArgumentException(what + " " + file + " has shape " + s
          + (f.order() == Tensor.Order.F ? " (Fortran order)" : " (C order)") + ": expected (B, " + width
          + ") in C order or (" + width + ", B) in Fortran order, since each sample has " + width + " values");
    }
    return new NpySource(file.toAbsolutePath().toString(), batch, width);
  }

  @Override
  public long batch() {
    return batch;
  }

  @Override
  public int width() {
    return width;
  }

  @Override
  public double[] rows(long b0, int count) throws IOException {
    return file().read(b0 * width, count * width);
  }

  @Override
  public void rows(long b0, int count, double[] out) throws IOException {
    file().read(b0 * width, count * width, out, 0);
  }

  private NpyFile file() throws IOException {
    NpyFile f = file;
    if (f == null) {
      f = NpyFile.open(Path.of(path));
      file = f;
    }
    return f;
  }
}
