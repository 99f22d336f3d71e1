package io.batchjac.udfs;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.SparkSessionExtensions;
import org.apache.spark.sql.catalyst.FunctionIdentifier;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry;
import org.apache.spark.sql.catalyst.analysis.FunctionRegistry$;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.ExpressionInfo;
import org.apache.spark.sql.errors.QueryCompilationErrors;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import scala.Function1;
import scala.Tuple3;
import scala.collection.immutable.Seq;
import scala.jdk.javaapi.CollectionConverters;

/**
 * Everything that touches Spark's internal (catalyst) API, in one place with {@link SqlCall} (the
 * expression of a call, replaced by generated code) and {@link SqlKernel} (what that code calls
 * per row): the function builders that turn {@code jacobian(spec, x)} into a {@link SqlCall},
 * the {@code ExpressionInfo} behind {@code DESCRIBE FUNCTION}, and the two ways of installing
 * them (session extensions and a session's function registry). If a Spark upgrade moves these
 * classes, these are the files to change.
 */
final class SparkInternals {
  private SparkInternals() {}

  static final DataType VECTOR = DataTypes.createArrayType(DataTypes.DoubleType, false);
  static final DataType MATRIX = DataTypes.createArrayType(VECTOR, false);

  /** Adds every function to session extensions (used by {@link BatchjacExtensions}). */
  static void inject(SparkSessionExtensions extensions) {
    for (SqlFunction f : SqlFunction.values()) {
      extensions.injectFunction(new Tuple3<>(identifier(f), info(f), builder(f)));
    }
  }

  /** Registers every function in one function registry (used by {@link BatchjacFunctions}). */
  static void register(FunctionRegistry registry) {
    for (SqlFunction f : SqlFunction.values()) {
      // as SparkSessionExtensions does for injected functions: an unqualified name is a builtin
      registry.registerFunction(FunctionRegistry$.MODULE$.builtinFunctionIdentifier(f.sqlName()), info(f), builder(f));
    }
  }

  static FunctionIdentifier identifier(SqlFunction f) {
    return new FunctionIdentifier(f.sqlName());
  }

  /**
   * One {@code ExpressionInfo} and one builder per function for the whole JVM. Spark's function
   * registry warns "replaced a previously registered function" only when a name gets a pair that
   * is not equal to the one it holds; both classes compare by identity, so sharing the instances
   * makes a second registration (the service entry and {@code spark.sql.extensions} together,
   * or {@link BatchjacFunctions#register} on a session that has them) silent and harmless.
   */
  private static final Map<SqlFunction, ExpressionInfo> INFOS = new EnumMap<>(SqlFunction.class);
  private static final Map<SqlFunction, Function1<Seq<Expression>, Expression>> BUILDERS =
      new EnumMap<>(SqlFunction.class);

  static {
    for (SqlFunction f : SqlFunction.values()) {
      INFOS.put(f, new ExpressionInfo(BatchjacFunctions.class.getName(), null, f.sqlName(), f.usage(),
          f.arguments(), f.examples(), "", "collection_funcs", "0.1.0", "", "java_udf"));
      BUILDERS.put(f, args -> build(f, args));
    }
  }

  static ExpressionInfo info(SqlFunction f) {
    return INFOS.get(f);
  }

  static Function1<Seq<Expression>, Expression> builder(SqlFunction f) {
    return BUILDERS.get(f);
  }

  /** Builds the expression for a call, checking what can be checked before any row is read. */
  static Expression build(SqlFunction f, Seq<Expression> args) {
    List<Expression> children = new ArrayList<>(CollectionConverters.asJava(args));
    if (children.size() != f.arity()) {
      throw sneaky(QueryCompilationErrors.wrongNumArgsError(f.sqlName(),
          CollectionConverters.asScala(List.<Object>of(f.arity())).toList(), children.size(),
          QueryCompilationErrors.wrongNumArgsError$default$4(), QueryCompilationErrors.wrongNumArgsError$default$5(),
          QueryCompilationErrors.wrongNumArgsError$default$6()));
    }
    for (int i = 0; i < children.size(); i++) {
      children.set(i, ArgumentTypes.coerce(f, i, children));
    }
    SpecSource fixed = null;
    SafetyConf safety;
    try {
      safety = SafetyConf.current();
    } catch (IllegalArgumentException e) {
      throw analysisError(f, e);
    }
    Expression spec = children.get(0);
    if (spec.foldable() && spec.resolved()) {
      Object value = spec.eval(null);
      if (value != null) {
        // A constant spec is resolved and compiled here, on the driver: a spec error or a limit
        // fails the query before it runs, and executors get the spec's text (they need not see
        // the file).
        try {
          fixed = SpecSource.resolve(value.toString(), safety);
          CompiledSpec cs = SpecCache.get(fixed, safety);
          f.check(cs);
          f.checkResultSize(cs, safety);
        } catch (IllegalArgumentException e) {
          throw analysisError(f, e);
        }
      }
    }
    return new SqlCall(f, seq(children), new RowFunction(f, fixed, safety));
  }

  /** The analysis error of a call: {@code USER_RAISED_EXCEPTION} with the message, prefixed by the function's name. */
  private static RuntimeException analysisError(SqlFunction f, IllegalArgumentException e) {
    String msg = e.getMessage();
    String text = msg.startsWith(f.sqlName() + ":") ? msg : f.sqlName() + ": " + msg;
    scala.collection.immutable.Map<String, String> params =
        CollectionConverters.asScala(java.util.Map.of("errorMessage", text)).toMap(scala.$less$colon$less$.MODULE$.refl());
    return sneaky(new AnalysisException("USER_RAISED_EXCEPTION", params));
  }

  private static <T> Seq<T> seq(List<T> list) {
    return CollectionConverters.asScala(list).toList();
  }

  /** Throws {@code t} (a Scala exception Java sees as checked, such as AnalysisException) unchecked. */
  @SuppressWarnings("unchecked")
  static <E extends Throwable> RuntimeException sneaky(Throwable t) throws E {
    throw (E) t;
  }

  /**
   * {@code df}'s rows as Spark's internal rows through {@code f}, as a DataFrame of
   * {@code schema}: the Transformer's batched path, without converting rows to {@code Row}.
   */
  static org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> mapInternalRows(
      org.apache.spark.sql.Dataset<org.apache.spark.sql.Row> df,
      org.apache.spark.api.java.function.FlatMapFunction<java.util.Iterator<org.apache.spark.sql.catalyst.InternalRow>,
          org.apache.spark.sql.catalyst.InternalRow> f,
      org.apache.spark.sql.types.StructType schema) {
    org.apache.spark.rdd.RDD<org.apache.spark.sql.catalyst.InternalRow> rows =
        ((org.apache.spark.sql.classic.Dataset<org.apache.spark.sql.Row>) df).queryExecution().toRdd();
    org.apache.spark.rdd.RDD<org.apache.spark.sql.catalyst.InternalRow> mapped = rows.toJavaRDD().mapPartitions(f).rdd();
    return ((org.apache.spark.sql.classic.SparkSession) df.sparkSession()).internalCreateDataFrame(mapped, schema, false);
  }
}
