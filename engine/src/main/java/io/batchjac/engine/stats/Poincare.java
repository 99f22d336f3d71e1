package io.batchjac.engine.stats;

import io.batchjac.engine.ir.Distribution;

/**
 * Poincare constants of the input distributions: the smallest C with
 * {@code Var(g(X)) <= C * E[g'(X)^2]} for every smooth g. With them the DGSM bounds Sobol's total
 * index: {@code S_T,n <= C_n * nu_n / Var(f)} (Lamboni, Iooss, Popelin and Gamboa 2013;
 * Sobol' and Kucherenko 2009).
 * <ul>
 *   <li>uniform(a, b): {@code C = (b - a)^2 / pi^2} (the first Neumann eigenvalue of the interval);
 *   <li>normal(mu, sigma): {@code C = sigma^2} (the Gaussian Poincare inequality);
 *   <li>lognormal: none exists: a Poincare inequality implies finite exponential moments
 *       {@code E[exp(t |X|)]} for small t, which a lognormal does not have.
 * </ul>
 */
public final class Poincare {
  private Poincare() {}

  /** The constant of {@code d}, or NaN when it has none (or {@code d} is null: no distribution known). */
  public static double constant(Distribution d) {
    if (d == null) {
      return Double.NaN;
    }
    return switch (d.kind()) {
      case UNIFORM -> (d.p2() - d.p1()) * (d.p2() - d.p1()) / (Math.PI * Math.PI);
      case NORMAL -> d.p2() * d.p2();
      case LOGNORMAL -> Double.NaN;
    };
  }

  /** How the constant of {@code d} was obtained, or why there is none (for reports). */
  public static String rule(Distribution d) {
    if (d == null) {
      return "no known constant: the input's distribution is unknown (user-supplied samples)";
    }
    return switch (d.kind()) {
      case UNIFORM -> "(b-a)^2/pi^2";
      case NORMAL -> "sigma^2";
      case LOGNORMAL -> "no known constant: a lognormal input has no Poincare constant (its tails are too heavy)";
    };
  }

  /** The variance of {@code d}. */
  public static double variance(Distribution d) {
    return switch (d.kind()) {
      case UNIFORM -> (d.p2() - d.p1()) * (d.p2() - d.p1()) / 12;
      case NORMAL -> d.p2() * d.p2();
      case LOGNORMAL -> Math.expm1(d.p2() * d.p2()) * Math.exp(2 * d.p1() + d.p2() * d.p2());
    };
  }
}
