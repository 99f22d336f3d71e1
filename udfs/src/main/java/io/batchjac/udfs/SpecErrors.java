package io.batchjac.udfs;

import io.batchjac.engine.api.SpecLoader;
import io.batchjac.engine.lang.FileAccessPolicy;
import io.batchjac.engine.lang.Spec;
import io.batchjac.engine.lang.SpecException;
import io.batchjac.engine.lang.TensorFiles;

/**
 * What a user of a restricted deployment (SQL, the Transformer, Spark Connect with
 * {@code spark.batchjac.files.allowed} not {@code *}) is told when a spec does not compile.
 *
 * <ul>
 *   <li>An inline spec: the whole message ({@code <inline>:1:26: problem}); the text is the
 *       user's own, and a file it loads is named without any of its bytes.</li>
 *   <li>A spec FILE ({@code .fn}, {@code .onnx}): its name and the position only, e.g.
 *       {@code /models/f.fn:3:7: the spec file does not compile; ...}. Problems quote the source
 *       (a misspelt name, the token found), and a query must not be able to display any part of a
 *       file, so the operator reads the problem with the command line instead.</li>
 * </ul>
 *
 * Unrestricted (the operator's own queries) every message is shown whole.
 */
final class SpecErrors {
  private SpecErrors() {}

  /** The message part that replaces a spec file's problem under a restricted policy. */
  static String hiddenProblem(SpecSource source) {
    String kind = source.format() == SpecLoader.Format.ONNX ? "the ONNX model does not import" : "the spec file does not compile";
    return kind + " (the problem is not shown to SQL users, so that no query can display a file's content; "
        + "the operator sees it with bin/batchjac bench --spec " + source.name() + " --batch 1)";
  }

  /** {@code source} compiled, reading loads through {@code files}, its errors as described above. */
  static Spec compile(SpecSource source, FileAccessPolicy policy, TensorFiles files) {
    try {
      return source.compile(files);
    } catch (SpecException e) {
      if (!policy.restricted() || source.isInline()) {
        throw e;
      }
      throw new SpecException(e.file(), e.line(), e.column(), hiddenProblem(source), null);
    }
  }
}
