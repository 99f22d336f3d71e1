package io.batchjac.jobs.cli;

import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.lang.SpecParser;
import java.nio.file.Path;

/** Loads a function spec given on the command line: a {@code .fn} file path or an inline spec. */
final class Specs {
  private Specs() {}

  /** A path to an existing file is parsed as a file; text containing "output" is parsed inline. */
  static Graph load(String spec) {
    Path p = Path.of(spec);
    if (!spec.contains("\n") && !spec.contains(";") && !spec.startsWith("input ")) {
      return SpecParser.parseFile(p).graph();
    }
    return SpecParser.parseInline(spec).graph();
  }
}
