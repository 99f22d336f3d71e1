package io.batchjac.engine.codegen;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.codehaus.commons.compiler.CompileException;
import org.codehaus.janino.SimpleCompiler;

/**
 * Compiles generated Java source with Janino (the version Spark ships) into classes of a class
 * loader of their own, whose parent is the engine's. Equal sources compile once: the compiled
 * class is cached by its source text, so plans compiled again and again (one per SQL call or per
 * batch) reuse the classes of their kernels.
 */
public final class JavaCompiler {
  private JavaCompiler() {}

  private static final Map<String, ClassLoader> LOADED = new ConcurrentHashMap<>();

  /**
   * Compiles {@code source} (a compilation unit without a package declaration) and returns its
   * top-level or nested class {@code className} (a binary name, e.g. {@code Unit$K3}).
   *
   * @throws IllegalStateException when the source does not compile (a bug of the generator)
   */
  public static Class<?> load(String source, String className) {
    ClassLoader loader = LOADED.computeIfAbsent(source, JavaCompiler::cook);
    try {
      return loader.loadClass(className);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("generated class " + className + " not found", e);
    }
  }

  /** A new instance of a generated class's public no-argument constructor. */
  public static <T> T instance(String source, String className, Class<T> type) {
    try {
      return type.cast(load(source, className).getDeclaredConstructor().newInstance());
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot instantiate generated class " + className, e);
    }
  }

  private static ClassLoader cook(String source) {
    SimpleCompiler c = new SimpleCompiler();
    c.setParentClassLoader(JavaCompiler.class.getClassLoader());
    try {
      c.cook(source);
    } catch (CompileException e) {
      throw new IllegalStateException("generated code does not compile: " + e.getMessage() + "\n" + source, e);
    }
    return c.getClassLoader();
  }
}
