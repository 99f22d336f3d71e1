package io.batchjac.engine.lang;

import java.util.List;

/** A statement of the function language as parsed. */
sealed interface Stmt {
  /** The name a statement defines, or null ({@code output EXPR}). */
  Token name();

  /**
   * {@code input NAME[d1, ...] ~ dist(a, b)}: {@code dims} is empty for a scalar input and
   * {@code distribution} null when none is declared.
   */
  record Input(Token name, List<Expr> dims, Expr.Call distribution) implements Stmt {}

  /** {@code param NAME = value} (a constant expression or {@code load("file.npy")}). */
  record Param(Token name, Expr value) implements Stmt {}

  /**
   * {@code model NAME = value}: a callable model ({@code value} should be
   * {@code load("file.onnx")} or {@code load("file.fn")}; {@link Models} checks it).
   */
  record Model(Token keyword, Token name, Expr value) implements Stmt {}

  /** {@code NAME = value}. */
  record Let(Token name, Expr value) implements Stmt {}

  /** {@code output NAME = value} or {@code output value} ({@code name} null). */
  record Output(Token keyword, Token name, Expr value) implements Stmt {}
}
