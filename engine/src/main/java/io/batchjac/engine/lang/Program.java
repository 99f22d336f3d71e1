package io.batchjac.engine.lang;

import java.util.List;

/** A parsed spec: its statements in order and the end-of-file token (for errors "at the end"). */
record Program(List<Stmt> statements, Token end) {}
