package io.batchjac.engine.lang;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/**
 * Entry points of the function language ({@code docs/language.md}): text to a
 * {@link Spec} holding a shape-checked {@code Graph}.
 *
 * <pre>{@code
 * Spec s = SpecParser.parseInline("input x[2]; output x[0] * sin(x[1])");
 * Tensor y = Engine.defaults().evaluate(s.graph(), x);   // x: (B, 2)
 * }</pre>
 *
 * <p>Every problem is a {@link SpecException} whose message starts with {@code file:line:column}
 * and says what was expected and what was found. Parsing is thread-safe (no shared state).
 */
public final class SpecParser {
  /** The source name of inline specs. */
  public static final String INLINE = "<inline>";

  private SpecParser() {}

  /**
   * Parses spec text.
   *
   * @param text the spec
   * @param sourceName the name errors start with (the file path as given, or {@code <inline>};
   *     null means {@code <inline>})
   * @param baseDir the directory {@code load("...")} paths are relative to; null for the current
   *     directory
   */
  public static Spec parse(String text, String sourceName, Path baseDir) {
    return parse(text, sourceName, baseDir, TensorFiles.disk());
  }

  /** As {@link #parse(String, String, Path)}, reading {@code load("...")} files through {@code files}. */
  public static Spec parse(String text, String sourceName, Path baseDir, TensorFiles files) {
    String name = sourceName == null ? INLINE : sourceName;
    SourceText src = new SourceText(name, text);
    Program program = Parser.parse(src);
    return new Spec(Lowering.lower(src, program, baseDir, files), name);
  }

  /**
   * The text of a {@code .fn} file's bytes (strict UTF-8); otherwise a {@link SpecException}
   * without position naming {@code name}.
   */
  public static String decode(byte[] content, String name) {
    try {
      return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
    } catch (CharacterCodingException e) {
      throw new SpecException(name, "cannot read the spec file: it is not UTF-8 text", e);
    }
  }

  /**
   * Reads a {@code .fn} file (UTF-8) and parses it; {@code load} paths are relative to the file's
   * directory. A missing or unreadable file is a {@link SpecException} without position naming
   * the path.
   */
  public static Spec parseFile(Path file) {
    String name = file.toString();
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new SpecException(name, "spec file not found (" + file.toAbsolutePath().normalize() + ")", e);
    } catch (CharacterCodingException e) {
      throw new SpecException(name, "cannot read the spec file: it is not UTF-8 text", e);
    } catch (IOException e) {
      throw new SpecException(name, "cannot read the spec file ("
          + file.toAbsolutePath().normalize() + "): " + e, e);
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, name, dir);
  }

  /** Parses an inline spec (errors name {@code <inline>}; {@code load} is relative to the current directory). */
  public static Spec parseInline(String text) {
    return parse(text, INLINE, null);
  }
}
