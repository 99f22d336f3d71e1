#!/usr/bin/env bash
# The jobs path against the in-process engine in one JVM (see JobVsEngine): MLP Jacobian at
# B = 1,000,000 (or $1), job on local[2] writing .npy vs engine on 2 threads, driver heap
# not (the in-process engine holds the whole 1 GB result; the job itself runs in -Xmx1g, see
# the README). Run from a built checkout: benchmarks/job-vs-engine.sh [B] [repeats]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
opts=(-Xmx4g -XX:+IgnoreUnrecognizedVMOptions
  --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.invoke=ALL-UNNAMED
  --add-opens=java.base/java.lang.reflect=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
  --add-opens=java.base/java.net=ALL-UNNAMED --add-opens=java.base/java.nio=ALL-UNNAMED
  --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/java.util.concurrent=ALL-UNNAMED
  --add-opens=java.base/java.util.concurrent.atomic=ALL-UNNAMED --add-opens=java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens=java.base/sun.nio.ch=ALL-UNNAMED --add-opens=java.base/sun.nio.cs=ALL-UNNAMED
  --add-opens=java.base/sun.security.action=ALL-UNNAMED --add-opens=java.base/sun.util.calendar=ALL-UNNAMED
  -Dio.netty.tryReflectionSetAccessible=true
  -Dlog4j2.configurationFile="$root/conf/log4j2.properties"
  -Djava.util.logging.config.file="$root/conf/jul-logging.properties")
export SPARK_LOCAL_IP=127.0.0.1 OPENBLAS_NUM_THREADS=1
cd "$root"
java "${opts[@]}" -cp "$root/benchmarks/target/benchmarks.jar:$(cat "$root/jobs/target/classpath.txt")" \
  io.batchjac.bench.JobVsEngine "${1:-1000000}" "${2:-3}"
