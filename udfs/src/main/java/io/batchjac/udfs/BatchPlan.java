package io.batchjac.udfs;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.api.Operation;
import io.batchjac.engine.api.PreparedOp;
import java.io.Serializable;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link DerivativeTransformer} hands to every partition: the spec, the engine
 * {@link Operation} (the Transformer's {@code mode}, by its name: {@code eval} is
 * {@code evaluate}), where the columns are, the batch size and the output schema. Also gets the
 * compiled operation a partition runs.
 */
record BatchPlan(String who, SpecSource source, SafetyConf safety, String mode, String backend, String inName,
    String tanName, int batchSize, StructType outputSchema) implements Serializable {
  /**
   * Checks the mode against the spec and the backend ({@link OperationChecks}: one output value
   * for gradient and hessian, jvp forward and vjp reverse, one row's result within the operator's
   * limit {@link SafetyConf#maxResultValues()}) and returns this plan; otherwise an error naming
   * the Transformer. (A batch holds at most {@link BatchMapper#MAX_RESULT_DOUBLES} result values.)
   */
  BatchPlan checked(CompiledSpec cs) {
    OperationChecks.needsScalar(who, operation(), "mode ", cs);
    OperationChecks.backend(who, operation(), backendSetting(), cs);
    OperationChecks.resultSize(who + " (mode " + mode + ")", operation(), cs, safety);
    return this;
  }

  /** The engine operation of the mode. */
  Operation operation() {
    return Operation.parse(mode);
  }

  private Backend backendSetting() {
    return Backend.parse(backend, 0);
  }

  /** Whether the mode takes a tangent (jvp) or cotangent (vjp) column, {@code tanName}. */
  boolean hasTangent() {
    return tanName != null;
  }

  /**
   * The compiled operation, from the spec's engine (compiled once per JVM, whatever the number
   * of batches and partitions). Its input: x as (b, N) C-order rows, the tangents (b, N) or
   * cotangents (b, M); its result: sample r's block of {@link PreparedOp#outPerSample()} values
   * at {@code r * per}, the matrices in Fortran order ({@link Operation}).
   */
  PreparedOp prepared(CompiledSpec cs) {
    return cs.engine().prepare(cs.graph(), operation(), backendSetting(), Engine.Wrt.inputs());
  }

  /** Values per row of the tangent column: N for jvp, M for vjp. */
  int tangentWidth(CompiledSpec cs) {
    return operation().extraWidth(cs.outputSize(), cs.inputSize());
  }

  /** Rows of the per-row result matrix (M for jacobian, N for hessian), or 0 when it is a vector. */
  int matrixRows(CompiledSpec cs) {
    return cs.matrixRows(operation());
  }
}
