package io.batchjac.udfs;

import io.batchjac.engine.api.Backend;
import io.batchjac.engine.api.Engine;
import io.batchjac.engine.ir.Graph;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.io.Serializable;
import org.apache.spark.sql.types.StructType;

/**
 * What {@link DerivativeTransformer} hands to every partition: the spec, the operation, where the
 * columns are, the batch size and the output schema. Also runs one batch on the engine.
 */
record BatchPlan(String who, SpecSource source, SafetyConf safety, String mode, String backend, String inName,
    String tanName, int batchSize, StructType outputSchema) implements Serializable {
  /**
   * This plan, when one row's result is within the operator's limit
   * ({@link SafetyConf#maxResultValues()}); otherwise an error naming the Transformer, the size
   * and the conf. (A batch holds at most {@link BatchMapper#MAX_RESULT_DOUBLES} result values.)
   */
  BatchPlan withinLimits(CompiledSpec cs) {
    int[] shape = resultShape(cs);
    long perRow = shape[0];
    String how = shape[1] == 0 ? perRow + " values" : shape[1] + " x " + (perRow / Math.max(1, shape[1])) + " derivatives";
    safety.checkResultValues(who + " (mode " + mode + ")", perRow, how);
    return this;
  }

  /** Whether the mode takes a tangent (jvp) or cotangent (vjp) column, {@code tanName}. */
  boolean hasTangent() {
    return tanName != null;
  }


  /** Values per row of the tangent column: N for jvp, M for vjp. */
  int tangentWidth(CompiledSpec cs) {
    return mode.equals("jvp") ? cs.inputSize() : cs.outputSize();
  }

  /**
   * One engine call for {@code b} rows: x is (b, N) C-order, t the (b, N) tangents or (b, M)
   * cotangents (or null). Returns the engine's batch-last result: sample r's block of
   * {@code per} values at {@code r * per}.
   */
  double[] run(Engine engine, Graph f, double[] x, double[] t, int b) {
    int n = f.inputSize();
    int m = f.outputSize();
    Backend be = Backend.parse(backend, 0);
    Tensor xs = Tensor.of(Shape.of(b, n), x);
    return switch (mode) {
      case "eval" -> engine.evaluate(f, xs).data();
      case "jvp" -> engine.jvp(f, be, xs, Tensor.of(Shape.of(b, n), t)).data();
      case "vjp" -> engine.vjp(f, be, xs, Tensor.of(Shape.of(b, m), t)).data();
      case "gradient" -> engine.gradient(f, be, xs).data();
      case "jacobian" -> engine.batchedJacobian(f, be, xs).data();
      case "hessian" -> engine.hessian(f, be, Engine.Wrt.inputs(), xs).data();
      default -> throw new IllegalStateException("unknown mode " + mode);
    };
  }

  /** Values per row of the result, and its rows when it is a matrix (0 when a vector). */
  int[] resultShape(CompiledSpec cs) {
    int n = cs.inputSize();
    int m = cs.outputSize();
    return switch (mode) {
      case "eval", "jvp" -> new int[] {m, 0};
      case "vjp", "gradient" -> new int[] {n, 0};
      case "jacobian" -> new int[] {m * n, m};
      case "hessian" -> new int[] {n * n, n};
      default -> throw new IllegalStateException("unknown mode " + mode);
    };
  }
}
