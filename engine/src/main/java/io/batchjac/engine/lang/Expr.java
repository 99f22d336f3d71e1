package io.batchjac.engine.lang;

import java.util.List;

/**
 * An expression of the function language as parsed, before names and shapes are resolved.
 * {@link #at()} is the token errors about the expression point to: the operator of a unary or
 * binary expression, the function name of a call, the {@code [} of an indexing or list literal.
 */
sealed interface Expr {
  /** The token errors about this expression point to. */
  Token at();

  /** A number literal. */
  record Num(Token at) implements Expr {
    double value() {
      return at.number();
    }
  }

  /** A name: a binding, input, parameter, {@code pi} or {@code e}. */
  record Name(Token at) implements Expr {
    String name() {
      return at.text();
    }
  }

  /**
   * A model's param, {@code NAME.P} ({@code at} is the model's name, {@code path} the names after
   * it: one for a param of NAME, more for a param of a model NAME loads, {@code NAME.INNER.P}): the
   * param every call of model NAME shares.
   */
  record Member(Token at, List<Token> path) implements Expr {
    /** The param's name inside the model: the path joined with dots. */
    String param() {
      return String.join(".", path.stream().map(Token::text).toList());
    }
  }

  /** A string literal (only meaningful as the argument of {@code load}). */
  record Str(Token at) implements Expr {}

  /** {@code -x} or {@code +x}; {@code at} is the operator. */
  record Unary(Token at, Expr operand) implements Expr {
    String op() {
      return at.text();
    }
  }

  /** {@code left OP right}; {@code at} is the operator. */
  record Binary(Token at, Expr left, Expr right) implements Expr {
    String op() {
      return at.text();
    }
  }

  /** {@code name = value} inside a call's argument list. */
  record Keyword(Token name, Expr value) {}

  /** {@code f(args, name=value, ...)}; {@code at} is the function name. */
  record Call(Token at, List<Expr> args, List<Keyword> keywords) implements Expr {
    String name() {
      return at.text();
    }
  }

  /**
   * One item of an index list: a single index ({@code colon == null}, {@code index} set) or a
   * slice {@code lo:hi} with either bound possibly null.
   */
  record IndexItem(Expr index, Expr lo, Token colon, Expr hi) {
    boolean isSlice() {
      return colon != null;
    }

    /** The token errors about this item point to. */
    Token at() {
      return index != null ? index.at() : lo != null ? lo.at() : colon;
    }
  }

  /** {@code target[items]}; {@code at} is the {@code [}. */
  record Index(Token at, Expr target, List<IndexItem> items) implements Expr {}

  /** {@code [e1, e2, ...]}: stacks equal-shaped elements along a new first axis. */
  record ListLit(Token at, List<Expr> elements) implements Expr {}
}
