package io.batchjac.engine.lang;

import io.batchjac.engine.ir.Node;
import java.util.function.Supplier;

/**
 * Runs a {@code GraphBuilder} call and turns its {@code ShapeException} (or other
 * {@link IllegalArgumentException}) into a {@link SpecException} at the operator's or function's
 * token, keeping the builder's message, which names the operation and both shapes.
 */
final class Guard {
  private Guard() {}

  /** {@code f.get()}, with argument errors rethrown at {@code at}. */
  static <T> T at(SourceText src, Token at, Supplier<T> f) {
    try {
      return f.get();
    } catch (SpecException e) {
      throw e;
    } catch (IllegalArgumentException e) {
      String m = e.getMessage();
      if (at.is("^") && m != null && m.startsWith("pow:")) {
        m = "^:" + m.substring(4);
      }
      throw src.error(at, m);
    }
  }
}
