#!/usr/bin/env bash
# The jobs path against the in-process engine in one JVM (see JobVsEngine): MLP Jacobian at
# B = 1,000,000 (or $1), job on local[2] writing .npy vs engine on 2 threads. The heap is not
# capped here (the in-process engine holds the whole 1 GB result); the job alone runs in
# -Xmx1g, see the README. Run from a built checkout: benchmarks/job-vs-engine.sh [B] [repeats] [partitions]
# (partitions 0: the job's default).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root"
source "$root/bin/jvm-options.sh"
cd "$root"
java -Xmx4g "${opts[@]}" -cp "$root/benchmarks/target/benchmarks.jar:$(cat "$root/jobs/target/classpath.txt")" \
  io.batchjac.bench.JobVsEngine "${1:-1000000}" "${2:-3}" "${3:-0}"
