package io.batchjac.udfs;

import io.batchjac.engine.api.SpecLoader;
import io.batchjac.engine.lang.FileAccessException;
import io.batchjac.engine.lang.FileAccessPolicy;
import io.batchjac.engine.lang.Spec;
import io.batchjac.engine.lang.SpecException;
import io.batchjac.engine.lang.SpecParser;
import io.batchjac.engine.lang.TensorFiles;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Base64;

/**
 * A function spec as text: its {@code text}, the {@code name} its errors start with (the file
 * path as given, or {@code <inline>}), the directory {@code load("...")} paths are relative
 * to ({@code baseDir}, absolute; null for the current directory) and its {@code format}. For the
 * function language the text is the spec itself; for an ONNX model ({@link
 * SpecLoader.Format#ONNX}) it is the model file's bytes in Base64, so that a source (and a saved
 * Transformer) carries the whole model. Equal sources compile to the same function, so a source
 * is the key of the {@link SpecCache}.
 *
 * <p>{@link #resolve(String, SafetyConf)} turns what a user wrote (a {@code .fn} or {@code .onnx} path or an
 * inline spec) into a source: a string is a file path when it is one line (no {@code ;}, no
 * newline) and ends with {@code .fn} or {@code .onnx} or names an existing file; otherwise it is
 * inline when it contains {@code ;} or a newline or starts with {@code input}. Files are read
 * under a {@link FileAccessPolicy} (unrestricted for the operator's own code, the allowed
 * directories for SQL users: see {@link SafetyConf}).
 */
public record SpecSource(String text, String name, String baseDir, SpecLoader.Format format) implements Serializable {
  public SpecSource {
    if (text == null || name == null || format == null) {
      throw new IllegalArgumentException("a spec source needs its text, name and format");
    }
  }

  /** A function-language source. */
  public SpecSource(String text, String name, String baseDir) {
    this(text, name, baseDir, SpecLoader.Format.FUNCTION_LANGUAGE);
  }

  /**
   * Compiles the source (through {@link SpecLoader}, the engine's one entry point for spec
   * files), reading {@code load("...")} files through {@code files}.
   */
  public Spec compile(TensorFiles files) {
    byte[] content = format == SpecLoader.Format.ONNX ? Base64.getDecoder().decode(text)
        : text.getBytes(StandardCharsets.UTF_8);
    return SpecLoader.parse(format, content, name, baseDir == null ? null : Path.of(baseDir), files);
  }

  /** True for an inline spec (its name is {@code <inline>}), false for a file's content. */
  public boolean isInline() {
    return name.equals(SpecParser.INLINE);
  }

  /** An inline spec: errors name {@code <inline>}, {@code load} paths are relative to the current directory. */
  public static SpecSource inline(String text) {
    return new SpecSource(text, SpecParser.INLINE, null);
  }

  /**
   * Reads a {@code .fn} file (UTF-8) or an {@code .onnx} model that {@code policy} lets be read.
   * A missing, unreadable or refused file is the {@link SpecException} that
   * {@link SpecLoader#read(Path, FileAccessPolicy)} gives for it.
   */
  public static SpecSource file(Path file, FileAccessPolicy policy) {
    SpecLoader.Format format = SpecLoader.Format.of(file.toString());
    byte[] content = SpecLoader.read(file, policy);
    String text = format == SpecLoader.Format.ONNX ? Base64.getEncoder().encodeToString(content)
        : new String(content, StandardCharsets.UTF_8);
    Path dir = file.toAbsolutePath().normalize().getParent();
    return new SpecSource(text, file.toString(), dir == null ? null : dir.toString(), format);
  }

  /** True when {@code spec} is read as a path to a spec file rather than as inline text. */
  public static boolean isPath(String spec) {
    String s = spec.strip();
    if (s.contains("\n") || s.contains(";")) {
      return false;
    }
    return s.endsWith(".fn") || isOnnx(s) || isFile(s) || !s.startsWith("input");
  }

  private static boolean isOnnx(String s) {
    return SpecLoader.Format.of(s) == SpecLoader.Format.ONNX;
  }

  /**
   * A {@code .fn} or {@code .onnx} path or an inline spec, as the SQL functions and the
   * Transformer take it, under the operator's {@code safety} settings: an inline spec longer than
   * the limit and a path the file policy refuses are errors. Under a restricted policy the path
   * is checked before anything else is asked of the file system, so the answer for a path
   * outside the allowed directories is the same whether the file exists or not.
   */
  public static SpecSource resolve(String spec, SafetyConf safety) {
    if (spec == null) {
      throw new IllegalArgumentException("the spec is null");
    }
    String s = spec.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("the spec is empty: give a path to a .fn file or an .onnx model, or an inline spec "
          + "such as 'input x[2]; output x[0] * sin(x[1])'");
    }
    if (!isPath(spec)) {
      safety.checkInlineSpec(spec);
      return inline(spec);
    }
    Path p;
    try {
      p = Path.of(s);
    } catch (InvalidPathException e) {
      throw new SpecException(s, "not a valid file path: " + e.getMessage(), e);
    }
    FileAccessPolicy policy = safety.files();
    if (policy.restricted()) {
      try {
        policy.check(p);
      } catch (FileAccessException e) {
        throw new SpecException(s, e.problem(), e);
      }
    }
    if (!s.endsWith(".fn") && !isOnnx(s) && !isFile(s)) {
      throw new SpecException(s, "neither an existing .fn or .onnx file nor an inline spec (inline specs contain ';' "
          + "or a newline, or start with 'input', e.g. 'input x[2]; output x[0] * sin(x[1])')", null);
    }
    return file(p, policy);
  }

  private static boolean isFile(String s) {
    try {
      return Files.isRegularFile(Path.of(s));
    } catch (InvalidPathException e) {
      return false;
    }
  }

  @Override
  public String toString() {
    return name;
  }
}
