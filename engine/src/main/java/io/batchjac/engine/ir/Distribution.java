package io.batchjac.engine.ir;

/**
 * The distribution an input is drawn from when samples are generated ({@code bench},
 * {@code --samples}): {@code uniform(a, b)}, {@code normal(mu, sigma)} or
 * {@code lognormal(mu, sigma)} (the log of the value is normal). Every element of the input is
 * drawn independently from it.
 */
public record Distribution(Kind kind, double p1, double p2) {
  /** The supported families. */
  public enum Kind {
    UNIFORM,
    NORMAL,
    LOGNORMAL
  }

  public Distribution {
    if (!Double.isFinite(p1) || !Double.isFinite(p2)) {
      throw new IllegalArgumentException("distribution parameters must be finite, got " + p1 + ", " + p2);
    }
    if (kind == Kind.UNIFORM && !(p1 < p2)) {
      throw new IllegalArgumentException("uniform(a, b) needs a < b, got a = " + p1 + ", b = " + p2);
    }
    if (kind != Kind.UNIFORM && !(p2 > 0)) {
      throw new IllegalArgumentException(kind.name().toLowerCase() + "(mu, sigma) needs sigma > 0, got " + p2);
    }
  }

  public static Distribution uniform(double a, double b) {
    return new Distribution(Kind.UNIFORM, a, b);
  }

  public static Distribution normal(double mu, double sigma) {
    return new Distribution(Kind.NORMAL, mu, sigma);
  }

  public static Distribution lognormal(double mu, double sigma) {
    return new Distribution(Kind.LOGNORMAL, mu, sigma);
  }

  /** The standard normal, used for inputs that declare no distribution. */
  public static final Distribution STANDARD_NORMAL = normal(0, 1);

  /**
   * Maps a uniform draw {@code u} in (0, 1) and a standard normal draw {@code z} to a draw of
   * this distribution (uniform uses {@code u}, the others {@code z}).
   */
  public double transform(double u, double z) {
    return switch (kind) {
      case UNIFORM -> p1 + (p2 - p1) * u;
      case NORMAL -> p1 + p2 * z;
      case LOGNORMAL -> Math.exp(p1 + p2 * z);
    };
  }

  @Override
  public String toString() {
    return kind.name().toLowerCase() + "(" + p1 + ", " + p2 + ")";
  }
}
