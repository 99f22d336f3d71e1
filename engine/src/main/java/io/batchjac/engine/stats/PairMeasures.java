package io.batchjac.engine.stats;

/**
 * The derivative-based sensitivity measures of output m to input n, estimated from B samples
 * (d = df_m/dx_n; see docs/sensitivity.md). Unavailable values are NaN.
 *
 * @param output m
 * @param input n
 * @param dgsm nu = E[d^2], the derivative-based global sensitivity measure
 * @param dgsmStdError its Monte Carlo standard error, sd(d^2) / sqrt(B)
 * @param meanDerivative E[d]
 * @param meanAbsDerivative E[|d|]
 * @param sdDerivative the standard deviation of d (sample, denominator B - 1)
 * @param outputVariance Var(f_m) (sample)
 * @param poincareConstant C_n of the input's distribution (NaN: none known)
 * @param sobolBound the upper bound on Sobol's total index, C_n * nu / Var(f_m)
 * @param sobolBoundStdError its standard error from nu's alone, C_n * se(nu) / Var(f_m)
 * @param normalized the normalised sensitivity E[d] * sd(x_n) / sd(f_m)
 * @param scaledDgsm nu * Var(x_n) / Var(f_m): scale-free, comparable across inputs; equals the
 *     bound for normal inputs and (pi^2 / 12) times it for uniform ones
 * @param scaledDgsmStdError its standard error, se(nu) * Var(x_n) / Var(f_m)
 */
public record PairMeasures(int output, int input, double dgsm, double dgsmStdError, double meanDerivative,
    double meanAbsDerivative, double sdDerivative, double outputVariance, double poincareConstant, double sobolBound,
    double sobolBoundStdError, double normalized, double scaledDgsm, double scaledDgsmStdError) {

  /**
   * The measures of one pair from the aggregate.
   *
   * @param inputVariance Var(x_n): the distribution's, or the samples' when it is unknown
   * @param poincare C_n, or NaN
   */
  static PairMeasures of(SensitivityAggregate a, int m, int n, double inputVariance, double poincare) {
    double b = a.count();
    double nu = a.squaredDerivativeMean(m, n);
    double se = Math.sqrt(a.squaredDerivativeVariance(m, n) / b);
    double varF = a.outputVariance(m);
    double mean = a.derivativeMean(m, n);
    return new PairMeasures(m, n, nu, se, mean, a.absDerivativeMean(m, n), Math.sqrt(a.derivativeVariance(m, n)), varF,
        poincare, poincare * nu / varF, poincare * se / varF, mean * Math.sqrt(inputVariance / varF),
        nu * inputVariance / varF, se * inputVariance / varF);
  }
}
