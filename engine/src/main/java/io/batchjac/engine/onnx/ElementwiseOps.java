package io.batchjac.engine.onnx;

import io.batchjac.engine.ir.GraphBuilder;
import io.batchjac.engine.ir.Node;
import io.batchjac.engine.onnx.proto.OnnxModel.AttributeProto;
import io.batchjac.engine.onnx.proto.OnnxModel.TensorProto.DataType;
import io.batchjac.engine.tensor.Shape;
import io.batchjac.engine.tensor.Tensor;
import java.util.Map;
import java.util.function.BinaryOperator;

/**
 * Elementwise ONNX operators: arithmetic with broadcasting, activations, comparisons, Where,
 * Clip, Max/Min, Cast, Identity and Constant. Activations without an engine primitive are
 * derived with PyTorch's derivative at the kink: {@code LeakyRelu(x) = where(x > 0, x, alpha x)}
 * and {@code Elu(x) = where(x > 0, x, alpha expm1(x))} (so the derivative at 0 is that of the
 * negative side, as in PyTorch).
 */
final class ElementwiseOps {
  private ElementwiseOps() {}

  static void register(Map<String, Operators.Importer> t) {
    t.put("Add", c -> binary(c, c.b()::add));
    t.put("Sub", c -> binary(c, c.b()::sub));
    t.put("Mul", c -> binary(c, c.b()::mul));
    t.put("Div", c -> binary(c, c.b()::div));
    t.put("Pow", ElementwiseOps::pow);
    t.put("Greater", c -> binary(c, c.b()::gt));
    t.put("Less", c -> binary(c, c.b()::lt));
    t.put("GreaterOrEqual", c -> binary(c, c.b()::ge));
    t.put("LessOrEqual", c -> binary(c, c.b()::le));
    t.put("Equal", c -> binary(c, (x, y) -> c.b().binary("==", x, y)));
    t.put("Not", c -> c.b().sub(c.b().scalar(1), c.in(0)));
    for (String[] u : new String[][] {{"Neg", "neg"}, {"Sqrt", "sqrt"}, {"Exp", "exp"}, {"Log", "log"},
        {"Abs", "abs"}, {"Tanh", "tanh"}, {"Sigmoid", "sigmoid"}, {"Relu", "relu"}, {"Softplus", "softplus"},
        {"Sin", "sin"}, {"Cos", "cos"}, {"Tan", "tan"}, {"Erf", "erf"}, {"Sign", "sign"}, {"Sinh", "sinh"},
        {"Cosh", "cosh"}, {"Asin", "asin"}, {"Acos", "acos"}, {"Atan", "atan"}}) {
      String engineName = u[1];
      t.put(u[0], c -> c.b().unary(engineName, c.in(0)));
    }
    t.put("Reciprocal", c -> c.b().div(c.b().scalar(1), c.in(0)));
    t.put("LeakyRelu", c -> {
      Node x = c.in(0);
      GraphBuilder b = c.b();
      return b.where(b.gt(x, b.scalar(0)), x, b.mul(b.scalar(c.attrFloat("alpha", 0.01)), x));
    });
    t.put("Elu", c -> {
      Node x = c.in(0);
      GraphBuilder b = c.b();
      return b.where(b.gt(x, b.scalar(0)), x, b.mul(b.scalar(c.attrFloat("alpha", 1.0)), b.unary("expm1", x)));
    });
    t.put("Where", c -> {
      Node[] x = c.broadcast(c.in(0), c.in(1), c.in(2));
      return c.b().where(x[0], x[1], x[2]);
    });
    t.put("Max", c -> fold(c, (x, y) -> c.b().binary("max", x, y)));
    t.put("Min", c -> fold(c, (x, y) -> c.b().binary("min", x, y)));
    t.put("Sum", c -> fold(c, c.b()::add));
    t.put("Clip", ElementwiseOps::clip);
    t.put("Identity", c -> c.in(0));
    t.put("Cast", ElementwiseOps::cast);
    t.put("Constant", ElementwiseOps::constant);
  }

  private static Node binary(NodeContext c, BinaryOperator<Node> op) {
    Node[] x = c.broadcast(c.in(0), c.in(1));
    return op.apply(x[0], x[1]);
  }

  /** Max, Min, Sum: any number of broadcasting operands, folded left to right. */
  private static Node fold(NodeContext c, BinaryOperator<Node> op) {
    Node[] x = c.broadcast(c.ins());
    Node acc = x[0];
    for (int i = 1; i < x.length; i++) {
      acc = op.apply(acc, x[i]);
    }
    return acc;
  }

  /**
   * {@code x ^ y}; a constant exponent with one element becomes the engine's constant power (an
   * exponent that is an initializer stays a parameter, differentiable with {@code --wrt}).
   */
  private static Node pow(NodeContext c) {
    Node y = c.in(1);
    if (y.kind() == Node.Kind.CONSTANT && y.value().size() == 1 && c.in(0).shape().rank() >= y.shape().rank()) {
      return c.b().powConst(c.in(0), y.value().data()[0]);
    }
    return binary(c, c.b()::pow);
  }

  /** {@code min(max(x, lo), hi)}: the derivative passes where lo <= x <= hi, as in PyTorch's clamp. */
  private static Node clip(NodeContext c) {
    Node x = c.in(0);
    GraphBuilder b = c.b();
    Node lo;
    Node hi;
    if (c.opset() >= 11) {
      lo = c.has(1) ? c.in(1) : null;
      hi = c.has(2) ? c.in(2) : null;
    } else {
      lo = c.hasAttr("min") ? b.scalar(c.attrFloat("min", 0)) : null;
      hi = c.hasAttr("max") ? b.scalar(c.attrFloat("max", 0)) : null;
    }
    for (Node bound : new Node[] {lo, hi}) {
      if (bound != null && bound.shape().size() != 1) {
        throw c.refuse("the bounds must be scalars, found shape " + bound.shape());
      }
    }
    Node y = x;
    if (lo != null) {
      y = b.binary("max", y, b.reshape(lo, Shape.SCALAR));
    }
    if (hi != null) {
      y = b.binary("min", y, b.reshape(hi, Shape.SCALAR));
    }
    return y;
  }

  /** Casts between floating types are the identity; to bool, {@code x != 0}; to integers only for constants. */
  private static Node cast(NodeContext c) {
    Node x = c.in(0);
    int to = (int) c.attrInt("to", DataType.FLOAT_VALUE);
    if (OnnxTensors.isFloating(to)) {
      return x;
    }
    if (to == DataType.BOOL_VALUE) {
      return c.b().binary("!=", x, c.b().scalar(0));
    }
    if (x.kind() != Node.Kind.OP && x.kind() != Node.Kind.INPUT) {
      double[] d = x.value().data().clone();
      for (int i = 0; i < d.length; i++) {
        d[i] = d[i] < 0 ? Math.ceil(d[i]) : Math.floor(d[i]);
      }
      return c.b().constant(Tensor.of(x.shape(), d));
    }
    throw c.refuse("a cast to " + OnnxTensors.typeName(to) + " of a computed value is not differentiable "
        + "(only casts to floating-point types or bool are supported)");
  }

  private static Node constant(NodeContext c) {
    GraphBuilder b = c.b();
    AttributeProto a;
    if ((a = c.attribute("value")) != null) {
      return b.constant(OnnxTensors.decode(a.getT(), "the value of Constant '" + c.name() + "'", c.file()));
    }
    if ((a = c.attribute("value_float")) != null) {
      return b.scalar(a.getF());
    }
    if ((a = c.attribute("value_int")) != null) {
      return b.scalar(a.getI());
    }
    if ((a = c.attribute("value_floats")) != null) {
      return b.constant(Tensor.vector(a.getFloatsList().stream().mapToDouble(Float::doubleValue).toArray()));
    }
    if ((a = c.attribute("value_ints")) != null) {
      return b.constant(Tensor.vector(a.getIntsList().stream().mapToDouble(Long::doubleValue).toArray()));
    }
    throw c.refuse("only constants given by value, value_float(s) or value_int(s) are supported");
  }
}
