#!/usr/bin/env bash
# The same job (MLP Jacobian, B = 1,000,000 or $1, local[2], .npy input) written as .npy, nested
# Parquet and flat Parquet, alternating, $2 rounds (default 3), in one JVM (see ParquetVsNpy).
# Run from a built checkout: benchmarks/parquet-vs-npy.sh [B] [rounds]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root"
source "$root/bin/jvm-options.sh"
cd "$root"
java -Xmx2g "${opts[@]}" -cp "$root/benchmarks/target/benchmarks.jar:$(cat "$root/jobs/target/classpath.txt")" \
  io.batchjac.bench.ParquetVsNpy "${1:-1000000}" "${2:-3}"
