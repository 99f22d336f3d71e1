package io.batchjac.engine.api;

import io.batchjac.engine.lang.FileAccessException;
import io.batchjac.engine.lang.FileAccessPolicy;
import io.batchjac.engine.lang.Spec;
import io.batchjac.engine.lang.SpecException;
import io.batchjac.engine.lang.SpecParser;
import io.batchjac.engine.lang.TensorFiles;
import io.batchjac.engine.onnx.OnnxImporter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;

/**
 * The one entry point that turns a spec file into a {@link Spec}, whatever its kind: a path
 * ending in {@code .onnx} (any case) is an ONNX model ({@link OnnxImporter}), any other path a
 * function-language file ({@link SpecParser}). The command line, the Spark jobs, the SQL
 * functions and the Transformer all load specs through it, so each accepts both kinds.
 *
 * <pre>{@code
 * Spec f = SpecLoader.load(Path.of("model.onnx"));          // or "f.fn"
 * // what a Spark job ships to executors: the file's bytes, parsed there with parse(...)
 * SpecLoader.Format kind = SpecLoader.Format.of("model.onnx");
 * byte[] content = SpecLoader.read(Path.of("model.onnx"));
 * Spec same = SpecLoader.parse(kind, content, "model.onnx", null, TensorFiles.disk());
 * }</pre>
 *
 * <p>Every problem is a {@link SpecException} naming the path as given ({@code OnnxException}
 * for models).
 */
public final class SpecLoader {
  private SpecLoader() {}

  /** The kinds of spec files. */
  public enum Format {
    /** The function language ({@code .fn} files and inline text), UTF-8. */
    FUNCTION_LANGUAGE,
    /** An ONNX model ({@code .onnx}, protobuf). */
    ONNX;

    /** The kind of the file at {@code path}, by its name. */
    public static Format of(String path) {
      return path.strip().toLowerCase(Locale.ROOT).endsWith(".onnx") ? ONNX : FUNCTION_LANGUAGE;
    }
  }

  /** Reads and compiles a spec file; {@code load("...")} in a {@code .fn} file reads the disk. */
  public static Spec load(Path file) {
    return load(file, TensorFiles.disk());
  }

  /** As {@link #load(Path)}, reading a {@code .fn} file's {@code load("...")} tensors through {@code files}. */
  public static Spec load(Path file, TensorFiles files) {
    Path dir = file.toAbsolutePath().getParent();
    return parse(Format.of(file.toString()), read(file), file.toString(), dir, files);
  }

  /** The bytes of a spec file; a missing or unreadable file is a {@link SpecException} naming it. */
  public static byte[] read(Path file) {
    String what = Format.of(file.toString()) == Format.ONNX ? "ONNX model file" : "spec file";
    try {
      return Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      throw new SpecException(file.toString(), what + " not found (" + file.toAbsolutePath().normalize() + ")", e);
    } catch (IOException e) {
      throw new SpecException(file.toString(), "cannot read the " + what + " ("
          + file.toAbsolutePath().normalize() + "): " + e, e);
    }
  }

  /**
   * The bytes of a spec file that {@code policy} lets be read (read at the checked real path); a
   * refused file is a {@link SpecException} naming it and the policy's reason, whether or not it
   * exists.
   */
  public static byte[] read(Path file, FileAccessPolicy policy) {
    Path real;
    try {
      real = policy.check(file);
    } catch (FileAccessException e) {
      throw new SpecException(file.toString(), e.problem(), e);
    }
    try {
      return Files.readAllBytes(real);
    } catch (IOException e) {
      return read(file); // the same missing or unreadable file, with read's message
    }
  }

  /**
   * Compiles a spec from its file content.
   *
   * @param format what the content is
   * @param content the file's bytes (UTF-8 text for the function language)
   * @param name the name errors start with (the path as given, or {@code <inline>})
   * @param baseDir the directory {@code load("...")} paths are relative to (null: the current
   *     directory); unused for ONNX, whose weights are inside the file
   * @param files where {@code load("...")} reads tensors; unused for ONNX
   */
  public static Spec parse(Format format, byte[] content, String name, Path baseDir, TensorFiles files) {
    if (format == Format.ONNX) {
      return OnnxImporter.importBytes(content, name);
    }
    String text = SpecParser.decode(content, name);
    return SpecParser.parse(text, name, baseDir, files);
  }
}
