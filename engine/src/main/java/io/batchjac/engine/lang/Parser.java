package io.batchjac.engine.lang;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Recursive-descent parser: tokens to a {@link Program}. It checks syntax only; names, shapes
 * and constants are resolved by {@link Lowering}.
 *
 * <pre>
 * program    := { [statement] (NEWLINE | ';') } EOF
 * statement  := 'input' NAME ['[' expr {',' expr} ']'] ['~' NAME '(' args ')']
 *             | 'param' NAME '=' expr
 *             | 'model' NAME '=' expr                   ('model' is a keyword only here)
 *             | 'output' NAME '=' expr | 'output' expr
 *             | NAME '=' expr
 * expr       := sum [('<' | '<=' | '>' | '>=' | '==' | '!=') sum]      (non-associative)
 * sum        := product {('+' | '-') product}
 * product    := unary {('*' | '/' | '@') unary}
 * unary      := ('-' | '+') unary | power
 * power      := postfix ['^' unary]                                    (right-associative)
 * postfix    := atom {'[' item {',' item} ']'}
 * item       := expr | [expr] ':' [expr]
 * atom       := NUMBER | STRING | NAME | NAME '(' args ')' | '(' expr ')' | '[' expr {',' expr} [','] ']'
 * args       := [arg {',' arg} [',']]      arg := expr | NAME '=' expr
 * </pre>
 *
 * <p>So {@code -x^2 = -(x^2)}, {@code 2^3^2 = 2^9}, {@code 2^-1} is allowed, and {@code a @ b * c}
 * is {@code (a @ b) * c}, as in Python.
 */
final class Parser {
  /** Words that start statements and cannot name values. */
  static final Set<String> KEYWORDS = Set.of("input", "param", "output");

  private static final Set<String> COMPARISONS = Set.of("<", "<=", ">", ">=", "==", "!=");

  private final SourceText src;
  private final List<Token> tokens;
  private int pos;

  private Parser(SourceText src, List<Token> tokens) {
    this.src = src;
    this.tokens = tokens;
  }

  /** Parses {@code src}; throws {@link SpecException} at the first syntax error. */
  static Program parse(SourceText src) {
    return new Parser(src, Lexer.tokenize(src)).program();
  }

  private Program program() {
    List<Stmt> statements = new ArrayList<>();
    while (true) {
      while (peek().kind() == Token.Kind.NEWLINE) {
        pos++;
      }
      if (peek().kind() == Token.Kind.EOF) {
        return new Program(statements, peek());
      }
      statements.add(statement());
      Token t = peek();
      if (t.kind() == Token.Kind.NEWLINE) {
        pos++;
      } else if (t.kind() != Token.Kind.EOF) {
        throw error(t, "expected end of statement (a new line or ';')");
      }
    }
  }

  private Stmt statement() {
    Token t = peek();
    if (t.isWord("input")) {
      pos++;
      return input();
    }
    if (t.isWord("param")) {
      pos++;
      Token name = name("after 'param'");
      expect("=");
      return new Stmt.Param(name, expr());
    }
    if (t.isWord("model") && peek(1).kind() == Token.Kind.IDENT && peek(2).is("=")) {
      pos++;
      Token name = name("after 'model'");
      expect("=");
      return new Stmt.Model(t, name, expr());
    }
    if (t.isWord("output")) {
      pos++;
      if (peek().kind() == Token.Kind.IDENT && !KEYWORDS.contains(peek().text()) && peek(1).is("=")) {
        Token name = next();
        pos++;
        return new Stmt.Output(t, name, expr());
      }
      return new Stmt.Output(t, null, expr());
    }
    if (t.kind() == Token.Kind.IDENT) {
      Token name = next();
      expect("=");
      return new Stmt.Let(name, expr());
    }
    throw error(t, "expected a statement (input, param, model, output or NAME = EXPR)");
  }

  private Stmt input() {
    Token name = name("after 'input'");
    List<Expr> dims = new ArrayList<>();
    if (peek().is("[")) {
      pos++;
      dims.add(expr());
      while (peek().is(",")) {
        pos++;
        dims.add(expr());
      }
      expect("]");
    }
    Expr.Call dist = null;
    if (peek().is("~")) {
      pos++;
      Token family = peek();
      if (family.kind() != Token.Kind.IDENT) {
        throw error(family, "expected a distribution (uniform, normal or lognormal)");
      }
      pos++;
      if (!peek().is("(")) {
        throw error(peek(), "expected '(' after '" + family.text() + "'");
      }
      dist = call(family);
    }
    return new Stmt.Input(name, dims, dist);
  }

  // ---------------------------------------------------------------- expressions

  /**
   * Deepest nesting of parentheses, brackets, calls, prefix signs, powers and chained operators
   * (a + b + c is two levels) accepted: deeper text
   * is refused with a SpecException rather than overflowing the stack of this recursive-descent
   * parser (and of the passes over the tree after it).
   */
  static final int MAX_NESTING = 200;

  private int nesting;

  /** Counts one level of nesting at {@code at}; the caller decrements {@link #nesting} after. */
  private void nest(Token at) {
    if (++nesting > MAX_NESTING) {
      throw src.error(at, "expression nested more than " + MAX_NESTING + " levels deep (parentheses, brackets, calls, "
          + "signs, powers and each operator of a chain like a + b + c count): simplify it or split it with NAME = EXPR statements");
    }
  }

  private Expr expr() {
    nest(peek());
    try {
      return comparison();
    } finally {
      nesting--;
    }
  }

  private Expr comparison() {
    Expr left = sum();
    if (isComparison(peek())) {
      Token op = next();
      Expr right = sum();
      if (isComparison(peek())) {
        throw src.error(peek(), "comparisons cannot be chained: expected end of expression but found "
            + peek().describe() + " (use parentheses)");
      }
      return new Expr.Binary(op, left, right);
    }
    return left;
  }

  private static boolean isComparison(Token t) {
    return t.kind() == Token.Kind.SYMBOL && COMPARISONS.contains(t.text());
  }

  // A chain a + b + c ... builds a tree as deep as it is long: each operator counts as a level.
  private Expr sum() {
    Expr e = product();
    int levels = 0;
    try {
      while (peek().is("+") || peek().is("-")) {
        Token op = next();
        nest(op);
        levels++;
        e = new Expr.Binary(op, e, product());
      }
      return e;
    } finally {
      nesting -= levels;
    }
  }

  private Expr product() {
    Expr e = unary();
    int levels = 0;
    try {
      while (peek().is("*") || peek().is("/") || peek().is("@")) {
        Token op = next();
        nest(op);
        levels++;
        e = new Expr.Binary(op, e, unary());
      }
      return e;
    } finally {
      nesting -= levels;
    }
  }

  private Expr unary() {
    if (peek().is("-") || peek().is("+")) {
      Token op = next();
      nest(op);
      try {
        return new Expr.Unary(op, unary());
      } finally {
        nesting--;
      }
    }
    return power();
  }

  private Expr power() {
    Expr base = postfix();
    if (peek().is("^")) {
      Token op = next();
      nest(op);
      try {
        return new Expr.Binary(op, base, unary());
      } finally {
        nesting--;
      }
    }
    return base;
  }

  private Expr postfix() {
    Expr e = atom();
    while (peek().is("[")) {
      Token open = next();
      List<Expr.IndexItem> items = new ArrayList<>();
      items.add(indexItem());
      while (peek().is(",")) {
        pos++;
        items.add(indexItem());
      }
      expect("]");
      e = new Expr.Index(open, e, items);
    }
    return e;
  }

  private Expr.IndexItem indexItem() {
    Expr lo = null;
    if (!peek().is(":")) {
      lo = expr();
      if (!peek().is(":")) {
        return new Expr.IndexItem(lo, null, null, null);
      }
    }
    Token colon = next();
    Expr hi = null;
    if (!peek().is(",") && !peek().is("]") && !peek().is(":")) {
      hi = expr();
    }
    if (peek().is(":")) {
      throw error(peek(), "slice steps are not supported: expected ',' or ']'");
    }
    return new Expr.IndexItem(null, lo, colon, hi);
  }

  /** {@code NAME.P} or {@code NAME.INNER.P}: a model's param (at the first '.'). */
  private Expr member(Token model) {
    List<Token> path = new ArrayList<>();
    StringBuilder seen = new StringBuilder(model.text());
    while (peek().is(".")) {
      pos++;
      Token next = peek();
      if (next.kind() != Token.Kind.IDENT) {
        throw src.error(next, "expected the name of a param after '" + seen + ".' (a model's param is written "
            + "NAME.P) but found " + next.describe());
      }
      pos++;
      path.add(next);
      seen.append('.').append(next.text());
    }
    return new Expr.Member(model, path);
  }

  private Expr atom() {
    Token t = peek();
    switch (t.kind()) {
      case NUMBER -> {
        pos++;
        return new Expr.Num(t);
      }
      case STRING -> {
        pos++;
        return new Expr.Str(t);
      }
      case IDENT -> {
        if (KEYWORDS.contains(t.text())) {
          throw src.error(t, "expected an expression but found keyword '" + t.text() + "'");
        }
        pos++;
        if (peek().is("(")) {
          return call(t);
        }
        if (peek().is(".")) {
          return member(t);
        }
        return new Expr.Name(t);
      }
      default -> {
        if (t.is("(")) {
          pos++;
          Expr e = expr();
          expect(")");
          return e;
        }
        if (t.is("[")) {
          pos++;
          List<Expr> elements = new ArrayList<>();
          if (peek().is("]")) {
            throw error(peek(), "expected a list element (empty lists are not allowed)");
          }
          elements.add(expr());
          while (peek().is(",")) {
            pos++;
            if (peek().is("]")) {
              break;
            }
            elements.add(expr());
          }
          expect("]");
          return new Expr.ListLit(t, elements);
        }
        throw error(t, "expected an expression");
      }
    }
  }

  /** A call whose name {@code fn} was consumed; the next token is '('. */
  private Expr.Call call(Token fn) {
    expect("(");
    List<Expr> args = new ArrayList<>();
    List<Expr.Keyword> keywords = new ArrayList<>();
    while (!peek().is(")")) {
      if (peek().kind() == Token.Kind.IDENT && peek(1).is("=")) {
        Token key = next();
        pos++;
        keywords.add(new Expr.Keyword(key, expr()));
      } else {
        Token start = peek();
        Expr arg = expr();
        if (!keywords.isEmpty()) {
          throw src.error(start, "expected a keyword argument (name=value) after '"
              + keywords.get(keywords.size() - 1).name().text() + "=' but found a positional argument");
        }
        args.add(arg);
      }
      if (!peek().is(",")) {
        break;
      }
      pos++;
    }
    expect(")");
    return new Expr.Call(fn, args, keywords);
  }

  // ---------------------------------------------------------------- helpers

  private Token name(String where) {
    Token t = peek();
    if (t.kind() != Token.Kind.IDENT) {
      throw error(t, "expected a name " + where);
    }
    if (KEYWORDS.contains(t.text())) {
      throw src.error(t, "expected a name " + where + " but found keyword '" + t.text() + "'");
    }
    pos++;
    return t;
  }

  private void expect(String symbol) {
    Token t = peek();
    if (!t.is(symbol)) {
      throw error(t, "expected '" + symbol + "'");
    }
    pos++;
  }

  private SpecException error(Token found, String expected) {
    return src.error(found, expected + " but found " + found.describe());
  }

  private Token peek() {
    return tokens.get(pos);
  }

  private Token peek(int ahead) {
    return tokens.get(Math.min(pos + ahead, tokens.size() - 1));
  }

  private Token next() {
    return tokens.get(pos++);
  }
}
