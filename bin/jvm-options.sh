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
# BLAS (see docs/cli.md, "BLAS"). BATCHJAC_BLAS=java forces the pure-Java BLAS (default: auto,
# native OpenBLAS when installed). Without native OpenBLAS the engine multiplies with the pure-Java
# VectorBLAS, which needs the Vector API module; the JVM then prints "WARNING: Using incubator
# modules" first on stderr, which bin/batchjac drops (vector_module=true tells it to).
# (the library list is read whole first: `ldconfig -p | grep -q` fails under pipefail by SIGPIPE)
shared_libs=$(ldconfig -p 2>/dev/null || /sbin/ldconfig -p 2>/dev/null || true)
vector_module=false
case "${BATCHJAC_BLAS:-auto}" in
  auto) ;;
  java) opts+=(-Dbatchjac.blas=java) ;;
  *) echo "batchjac: error: BATCHJAC_BLAS must be auto or java, got '${BATCHJAC_BLAS}'" >&2; exit 2 ;;
esac
if [[ "${BATCHJAC_BLAS:-auto}" == java || "$shared_libs" != *libopenblas.so.0* ]]; then
  opts+=(--add-modules=jdk.incubator.vector)
  vector_module=true
fi
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
# batchjac runs one thread per core over chunks; one BLAS thread each avoids oversubscription.
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
# Debian 12's OpenBLAS 0.3.21 runs generic or older kernels on CPUs newer than it (e.g. AMD Zen 5,
# Intel model 207). Unless the user set OPENBLAS_CORETYPE, ask the engine's OpenBlasCoretype for
# the kernel set matching this CPU (it prints nothing when OpenBLAS chooses well by itself). The
# jobs pass the value on to executors (spark.executorEnv.OPENBLAS_CORETYPE).
if [[ -z "${OPENBLAS_CORETYPE:-}" && "$vector_module" == false ]]; then
  engine_jar=$(ls "$here"/engine/target/batchjac-engine-*.jar 2>/dev/null | grep -v -e sources -e tests | head -n 1 || true)
  if [[ -n "$engine_jar" ]]; then
    coretype=$(java -Xshare:auto -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -cp "$engine_jar" \
      io.batchjac.engine.exec.OpenBlasCoretype 2>/dev/null || true)
    if [[ -n "$coretype" ]]; then
      export OPENBLAS_CORETYPE="$coretype"
      export BATCHJAC_CHOSE_OPENBLAS_CORETYPE=1
    fi
  fi
fi
