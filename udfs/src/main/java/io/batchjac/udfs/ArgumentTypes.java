package io.batchjac.udfs;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.catalyst.expressions.Cast;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NullType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;

/**
 * The array arguments ({@code x}, {@code u}, {@code v}) checked and coerced when a query is
 * analyzed, as Spark's built-in functions treat theirs, in both settings of
 * {@code spark.sql.ansi.enabled}:
 * <ul>
 *   <li>an array of any numeric type (or {@code NULL}) is taken as it is and read as doubles;</li>
 *   <li>an array of strings is cast to array&lt;double&gt; by Spark's {@code Cast} in the session's
 *       mode: with ANSI on a malformed element fails the query with {@code CAST_INVALID_INPUT}
 *       (SQLSTATE 22018); with ANSI off it becomes null, which is then reported as a null element;</li>
 *   <li>anything else (a string, a map, an array of booleans or of arrays, ...) fails analysis with
 *       {@code DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE} (SQLSTATE 42K09), naming the parameter.</li>
 * </ul>
 */
final class ArgumentTypes {
  private ArgumentTypes() {}

  /** The type every array argument is read as. */
  static final String REQUIRED = "\"ARRAY<DOUBLE>\"";
  /** The spec's type. */
  static final String REQUIRED_SPEC = "\"STRING\"";

  /**
   * Argument {@code index} (0 the spec, 1 or 2 an array) of a call of {@code f} with
   * {@code args}, as the function will read it; throws {@link AnalysisException} for a type it
   * cannot read (the spec must be a string).
   */
  static Expression coerce(SqlFunction f, int index, List<Expression> args) {
    Expression arg = args.get(index);
    if (!arg.resolved()) {
      return arg;
    }
    DataType type = arg.dataType();
    if (type instanceof NullType || (index == 0 && type instanceof StringType)) {
      return arg;
    }
    if (index == 0) {
      throw SparkInternals.sneaky(mismatch(f, index, args));
    }
    if (type instanceof ArrayType array) {
      DataType element = array.elementType();
      if (element instanceof NumericType || element instanceof NullType) {
        return arg;
      }
      if (element instanceof StringType) {
        return new Cast(arg, DataTypes.createArrayType(DataTypes.DoubleType, true), Option.empty());
      }
    }
    throw SparkInternals.sneaky(mismatch(f, index, args));
  }

  /** Spark's own error for an argument of the wrong type. */
  static AnalysisException mismatch(SqlFunction f, int index, List<Expression> args) {
    Expression arg = args.get(index);
    String call = f.sqlName() + "(" + args.stream().map(Expression::sql).collect(Collectors.joining(", ")) + ")";
    Map<String, String> params = Map.of(
        "sqlExpr", "\"" + call + "\"",
        "paramIndex", List.of("first", "second", "third").get(index),
        "requiredType", index == 0 ? REQUIRED_SPEC : REQUIRED,
        "inputSql", "\"" + arg.sql() + "\"",
        "inputType", "\"" + arg.dataType().sql() + "\"");
    return new AnalysisException("DATATYPE_MISMATCH.UNEXPECTED_INPUT_TYPE",
        CollectionConverters.asScala(params).toMap(scala.$less$colon$less$.MODULE$.refl()));
  }
}
