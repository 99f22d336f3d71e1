package io.batchjac.engine.ir;

/**
 * A graph operation was given operands whose shapes do not fit. The message names the operation
 * and both shapes, e.g. {@code "+: shapes [3] and [4] do not broadcast"}; the function-language
 * parser prefixes it with {@code file:line:column}.
 */
public class ShapeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ShapeException(String message) {
    super(message);
  }
}
