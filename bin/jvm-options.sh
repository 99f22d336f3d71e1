# Sourced by bin/batchjac and the benchmark scripts: the JVM options Spark needs on Java 17
# (Spark's own list), quiet logging, and the engine's environment. Expects $here = repository root.
opts=(-XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.configurationFile="$here/conf/log4j2.properties"
  -Djava.util.logging.config.file="$here/conf/jul-logging.properties"
  -Djava.awt.headless=true
  -Dbatchjac.home="$here")
# Without native OpenBLAS the engine multiplies with the pure-Java VectorBLAS, which needs the
# Vector API module (the JVM then prints one warning about incubator modules).
# (the library list is read whole first: `ldconfig -p | grep -q` fails under pipefail by SIGPIPE)
shared_libs=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)
if [[ "$shared_libs" != *libopenblas.so.0* ]]; then
  opts+=(--add-modules=jdk.incubator.vector)
fi
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# batchjac runs one thread per core over chunks; one BLAS thread each avoids oversubscription.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
