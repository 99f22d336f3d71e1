package io.batchjac.udfs;

import io.batchjac.engine.lang.SpecException;
import io.batchjac.engine.lang.SpecParser;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;

/**
 * A function spec as text: its {@code text}, the {@code name} its errors start with (the file
 * path as given, or {@code <inline>}) and the directory {@code load("...")} paths are relative
 * to ({@code baseDir}, absolute; null for the current directory). Equal sources compile to the
 * same function, so a source is the key of the {@link SpecCache}.
 *
 * <p>{@link #resolve(String)} turns what a user wrote (a {@code .fn} path or an inline spec) into
 * a source: a string is a file path when it is one line (no {@code ;}, no newline) and ends with
 * {@code .fn} or names an existing file; otherwise it is inline when it contains {@code ;} or a
 * newline or starts with {@code input}.
 */
public record SpecSource(String text, String name, String baseDir) implements Serializable {
  public SpecSource {
    if (text == null || name == null) {
      throw new IllegalArgumentException("a spec source needs its text and name");
    }
  }

  /** An inline spec: errors name {@code <inline>}, {@code load} paths are relative to the current directory. */
  public static SpecSource inline(String text) {
    return new SpecSource(text, SpecParser.INLINE, null);
  }

  /**
   * Reads a {@code .fn} file (UTF-8). A missing or unreadable file is the
   * {@link SpecException} that {@link SpecParser#parseFile(Path)} gives for it.
   */
  public static SpecSource file(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      SpecParser.parseFile(file); // throws the parser's standard message for this file
      throw new UncheckedIOException("cannot read " + file, e);
    }
    Path dir = file.toAbsolutePath().normalize().getParent();
    return new SpecSource(text, file.toString(), dir == null ? null : dir.toString());
  }

  /** True when {@code spec} is read as a path to a {@code .fn} file rather than as inline text. */
  public static boolean isPath(String spec) {
    String s = spec.strip();
    if (s.contains("\n") || s.contains(";")) {
      return false;
    }
    return s.endsWith(".fn") || isFile(s) || !s.startsWith("input");
  }

  /** A {@code .fn} path or an inline spec, as the SQL functions and the Transformer take it. */
  public static SpecSource resolve(String spec) {
    if (spec == null) {
      throw new IllegalArgumentException("the spec is null");
    }
    String s = spec.strip();
    if (s.isEmpty()) {
      throw new IllegalArgumentException("the spec is empty: give a path to a .fn file or an inline spec "
          + "such as 'input x[2]; output x[0] * sin(x[1])'");
    }
    if (!isPath(spec)) {
      return inline(spec);
    }
    if (!s.endsWith(".fn") && !isFile(s)) {
      throw new SpecException(s, "neither an existing .fn file nor an inline spec (inline specs contain ';' "
          + "or a newline, or start with 'input', e.g. 'input x[2]; output x[0] * sin(x[1])')", null);
    }
    Path p;
    try {
      p = Path.of(s);
    } catch (InvalidPathException e) {
      throw new SpecException(s, "not a valid file path: " + e.getMessage(), e);
    }
    return file(p);
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
