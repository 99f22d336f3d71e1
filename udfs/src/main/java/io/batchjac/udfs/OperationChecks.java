package io.batchjac.udfs;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Operation;

/**
 * The one copy of the checks, and their messages, that the SQL functions and the
 * {@link DerivativeTransformer} make before running an engine {@link Operation} on a spec: one
 * output value for gradient and hessian, the result's size per row against the operator's limit,
 * and (through {@link Operation#validate}) the backend a JVP or VJP may use. Each message starts
 * with {@code who}: the SQL function's name, or the Transformer and its uid.
 */
final class OperationChecks {
  private OperationChecks() {}

  /**
   * Refuses gradient and hessian of a spec with several output values.
   *
   * @param prefix how the operation is named in the message: {@code ""} in SQL ({@code gradient}),
   *     {@code "mode "} for the Transformer ({@code mode gradient})
   */
  static void needsScalar(String who, Operation op, String prefix, CompiledSpec spec) {
    if (op.needsScalar() && spec.outputSize() != 1) {
      throw new IllegalArgumentException(who + ": the function " + spec.name() + " has " + spec.outputSize()
          + " output values (" + spec.describeOutputs() + ") but " + prefix + op.label() + " needs exactly one"
          + (op == Operation.GRADIENT ? "; use " + prefix + Operation.JACOBIAN.label() + " for several" : ""));
    }
  }

  /**
   * Refuses the backend an operation cannot run with (jvp is forward mode, vjp reverse), with the
   * engine's message ({@link Operation#validate}) after {@code who}.
   */
  static void backend(String who, Operation op, Backend backend, CompiledSpec spec) {
    try {
      op.validate(spec.graph(), backend);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(who + ": " + e.getMessage(), e);
    }
  }

  /**
   * Refuses, before anything runs, a spec whose result per row (the operation's per-sample
   * block: M x N for jacobian, N x N for hessian, M or N values for the others) exceeds the
   * operator's limit ({@link SafetyConf#checkResultValues}).
   */
  static void resultSize(String who, Operation op, CompiledSpec spec, SafetyConf safety) {
    int m = spec.outputSize();
    int n = spec.inputSize();
    int[] dims = op.sampleDims(m, n);
    String shape = dims.length == 2 ? dims[0] + " x " + dims[1] + " derivatives"
        : op == Operation.EVALUATE || op == Operation.JVP ? "the outputs" : "one per input value";
    safety.checkResultValues(who, op.perSample(m, n), shape);
  }
}
