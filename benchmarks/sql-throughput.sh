#!/usr/bin/env bash
# Rows per second of the SQL functions and the Transformer (see SqlThroughput).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root"
source "$root/bin/jvm-options.sh"
cd "$root"
java -Xmx4g "${opts[@]}" -cp "$root/benchmarks/target/benchmarks.jar:$(cat "$root/jobs/target/classpath.txt")" \
  io.batchjac.bench.SqlThroughput "${1:-1000000}"
