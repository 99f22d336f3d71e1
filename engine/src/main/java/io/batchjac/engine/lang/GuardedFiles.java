package io.batchjac.engine.lang;

import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link TensorFiles} that lets a spec reach only the files its {@link FileAccessPolicy}
 * allows: every method checks the path first ({@link FileAccessPolicy#check}, which throws a
 * {@link FileAccessException} for a refused one) and hands the checked real path to the
 * decorated files. A method added to {@link TensorFiles} is guarded by one line of the same
 * form, {@code return inner.m(policy.check(file));}.
 */
final class GuardedFiles implements TensorFiles {
  private final TensorFiles inner;
  private final FileAccessPolicy policy;

  GuardedFiles(TensorFiles inner, FileAccessPolicy policy) {
    this.inner = inner;
    this.policy = policy;
  }

  @Override
  public boolean exists(Path file) {
    return inner.exists(policy.check(file));
  }

  @Override
  public Tensor read(Path file) throws IOException {
    return inner.read(policy.check(file));
  }

  @Override
  public byte[] bytes(Path file) throws IOException {
    return inner.bytes(policy.check(file));
  }
}
