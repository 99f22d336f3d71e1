package io.batchjac.udfs;

import io.batchjac.engine.lang.TensorFiles;
import io.batchjac.engine.tensor.Tensor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The modification time and size of every file a spec's {@code load("...")} read while it was
 * compiled ({@link #recording} decorates the {@link TensorFiles} it reads through), so that a
 * cached compiled spec can tell when one of them changed ({@link #unchanged()}) and must be
 * compiled afresh. The spec's own text is part of the cache key, so an edited {@code .fn} or
 * {@code .onnx} file needs no stamp.
 */
final class FileStamps {
  /** A file's state: last-modified time (as precise as the file system keeps it) and size; missing: (null, -1). */
  private record Stamp(FileTime modified, long size) {}

  private final Map<Path, Stamp> stamps = new ConcurrentHashMap<>();

  /** {@code files}, noting the stamp of each file read (taken before reading it). */
  TensorFiles recording(TensorFiles files) {
    return new TensorFiles() {
      @Override
      public boolean exists(Path file) {
        return files.exists(file);
      }

      @Override
      public Tensor read(Path file) throws IOException {
        stamps.put(file, stamp(file));
        return files.read(file);
      }

      @Override
      public byte[] bytes(Path file) throws IOException {
        stamps.put(file, stamp(file));
        return files.bytes(file);
      }
    };
  }

  /** True when every recorded file still has the time and size it had when it was read. */
  boolean unchanged() {
    for (Map.Entry<Path, Stamp> e : stamps.entrySet()) {
      if (!Objects.equals(e.getValue(), stamp(e.getKey()))) {
        return false;
      }
    }
    return true;
  }

  /** Files recorded. */
  int size() {
    return stamps.size();
  }

  private static Stamp stamp(Path file) {
    try {
      BasicFileAttributes a = Files.readAttributes(file, BasicFileAttributes.class);
      return new Stamp(a.lastModifiedTime(), a.size());
    } catch (IOException e) {
      return new Stamp(null, -1);
    }
  }
}
