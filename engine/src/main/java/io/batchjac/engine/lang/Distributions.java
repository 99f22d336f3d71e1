package io.batchjac.engine.lang;

import io.batchjac.engine.ir.Distribution;
import java.util.List;

/**
 * Reads the distribution of an input declaration, {@code ~ uniform(a, b)},
 * {@code ~ normal(mu, sigma)} or {@code ~ lognormal(mu, sigma)}: the arguments are constant
 * expressions ({@link ConstEval}), and invalid parameters ({@code a >= b}, {@code sigma <= 0},
 * non-finite values) are errors at the distribution's name.
 */
final class Distributions {
  private static final List<String> DISTRIBUTIONS = List.of("uniform", "normal", "lognormal");

  private Distributions() {}

  /** The distribution {@code c} describes. */
  static Distribution of(SourceText src, Expr.Call c) {
    String family = c.name();
    if (!DISTRIBUTIONS.contains(family)) {
      throw src.error(c.at(), "expected a distribution (uniform, normal or lognormal) but found '"
          + family + "'" + Suggest.didYouMean(family, DISTRIBUTIONS));
    }
    String usage = family.equals("uniform") ? "uniform(a, b)" : family + "(mu, sigma)";
    if (!c.keywords().isEmpty()) {
      throw src.error(c.keywords().get(0).name(), family + " takes no keyword arguments (" + usage
          + ") but found '" + c.keywords().get(0).name().text() + "='");
    }
    if (c.args().size() != 2) {
      throw src.error(c.at(), family + " expects 2 arguments (" + usage + ") but found " + c.args().size());
    }
    String req = "distribution arguments must be constant expressions";
    double p1 = ConstEval.scalar(src, c.args().get(0), req);
    double p2 = ConstEval.scalar(src, c.args().get(1), req);
    try {
      return switch (family) {
        case "uniform" -> Distribution.uniform(p1, p2);
        case "normal" -> Distribution.normal(p1, p2);
        default -> Distribution.lognormal(p1, p2);
      };
    } catch (IllegalArgumentException e) {
      throw src.error(c.at(), e.getMessage());
    }
  }
}
