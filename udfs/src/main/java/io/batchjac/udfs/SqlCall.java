package io.batchjac.udfs;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.Literal;
import org.apache.spark.sql.catalyst.expressions.RuntimeReplaceable;
import org.apache.spark.sql.catalyst.expressions.codegen.CodegenContext;
import org.apache.spark.sql.catalyst.expressions.codegen.ExprCode;
import org.apache.spark.sql.catalyst.expressions.objects.Invoke;
import org.apache.spark.sql.catalyst.trees.TreePattern;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.ObjectType;
import org.apache.spark.sql.types.StringType;
import scala.Enumeration;
import scala.Option;
import scala.collection.immutable.IndexedSeq;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * A call of one of the SQL functions, e.g. {@code gradient(spec, x)}, as the analyzer sees it
 * (its name, its arguments as the user wrote them, its result type), which the optimizer replaces
 * ({@link RuntimeReplaceable}, as Spark's own {@code url_encode}) by an {@link Invoke} of
 * {@link SqlKernel#row2} / {@link SqlKernel#row3} on a kernel object. {@code Invoke} has generated
 * code, so the function runs inside whole-stage codegen: per row, Spark's generated code checks
 * the arguments for null (null in, null out), then calls the kernel with the spec's
 * {@code UTF8String} and the arrays' {@code ArrayData} directly.
 *
 * <p>The arrays reach the kernel as {@code array<double>}: an array of another numeric type is
 * cast first (exact for every numeric type but decimals and longs beyond 2^53, which round as
 * Spark's cast does). Arrays of strings were cast already ({@link ArgumentTypes}).
 */
public final class SqlCall extends Expression implements RuntimeReplaceable, Serializable {
  private static final long serialVersionUID = 1L;
  private static final Seq<Enumeration.Value> PATTERNS =
      CollectionConverters.asScala(List.of(TreePattern.RUNTIME_REPLACEABLE())).toList();

  private final SqlFunction function;
  private final Seq<Expression> arguments;
  private final RowFunction row;
  private transient Expression replacement;

  /**
   * @param arguments spec, x and (jvp, vjp) the vector, type-checked ({@link SparkInternals#build})
   * @param row the per-row computation, with the spec when it was fixed at analysis
   */
  public SqlCall(SqlFunction function, Seq<Expression> arguments, RowFunction row) {
    this.function = function;
    this.arguments = arguments;
    this.row = row;
  }

  /** The {@code Invoke} of the kernel, on the arguments cast to the types the kernel reads. */
  @Override
  public Expression replacement() {
    Expression r = replacement;
    if (r == null) {
      List<Expression> args = new ArrayList<>(CollectionConverters.asJava(arguments));
      List<String> types = new ArrayList<>();
      boolean[] mayHoldNull = new boolean[args.size()];
      for (int i = 0; i < args.size(); i++) {
        Expression a = args.get(i);
        DataType want = i == 0 ? DataTypes.StringType : doubles(a.dataType());
        if (!(i == 0 && a.dataType() instanceof StringType) && !a.dataType().equals(want)) {
          a = new Cast(a, want, Option.empty());
          args.set(i, a);
        }
        mayHoldNull[i] = i > 0 && ((ArrayType) want).containsNull();
        types.add(a.dataType().simpleString());
      }
      SqlKernel kernel = new SqlKernel(row, mayHoldNull[1], args.size() > 2 && mayHoldNull[2],
          String.join(", ", types), dataType().simpleString());
      r = new Invoke(Literal.create(kernel, new ObjectType(SqlKernel.class)), args.size() == 2 ? "row2" : "row3",
          dataType(), CollectionConverters.asScala(args).toList(), Invoke.apply$default$5(),
          true, true, true);
      replacement = r;
    }
    return r;
  }

  /** array&lt;double&gt; with the null elements {@code type} allows (none for a NULL literal). */
  private static DataType doubles(DataType type) {
    boolean containsNull = type instanceof ArrayType a && a.containsNull();
    return DataTypes.createArrayType(DataTypes.DoubleType, containsNull);
  }

  public SqlFunction function() {
    return function;
  }

  @Override
  public Seq<Enumeration.Value> nodePatterns() {
    return PATTERNS;
  }

  @Override
  public void org$apache$spark$sql$catalyst$expressions$RuntimeReplaceable$_setter_$nodePatterns_$eq(
      Seq<Enumeration.Value> patterns) {
    // the patterns are PATTERNS, fixed above
  }

  @Override
  public DataType dataType() {
    return function.returnsMatrix() ? SparkInternals.MATRIX : SparkInternals.VECTOR;
  }

  /** Nullable, as before: null arguments give null. */
  @Override
  public boolean nullable() {
    return true;
  }

  @Override
  public Object eval(InternalRow input) {
    return replacement().eval(input);
  }

  @Override
  public ExprCode doGenCode(CodegenContext ctx, ExprCode ev) {
    return replacement().genCode(ctx);
  }

  @Override
  public Seq<Expression> children() {
    return arguments;
  }

  @Override
  public Expression withNewChildrenInternal(IndexedSeq<Expression> newChildren) {
    return new SqlCall(function, newChildren.toList(), row);
  }

  @Override
  public String prettyName() {
    return function.sqlName();
  }

  @Override
  public String toString() {
    return function.sqlName() + CollectionConverters.asJava(arguments);
  }

  @Override
  public int productArity() {
    return 3;
  }

  @Override
  public Object productElement(int n) {
    return switch (n) {
      case 0 -> function;
      case 1 -> arguments;
      case 2 -> row;
      default -> throw new IndexOutOfBoundsException(n);
    };
  }

  @Override
  public boolean canEqual(Object that) {
    return that instanceof SqlCall;
  }

  /** Equal calls: same function, same arguments, same per-row computation (same spec and limits). */
  @Override
  public boolean equals(Object o) {
    return o instanceof SqlCall c && c.function == function && c.row == row && c.arguments.equals(arguments);
  }

  @Override
  public int hashCode() {
    return Objects.hash(function, System.identityHashCode(row), arguments);
  }
}
