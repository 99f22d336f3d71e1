#!/usr/bin/env bash
# Row programs against the interpreter and the hand-written analytic Java, in one JVM with the
# sides alternating (see RowProgramComparison, docs/fusion.md "Row programs"): Borehole gradient
# and Ishigami Jacobian at B = 1,000,000 (or $2) on 2 threads, and the Borehole gradient one row
# per call on one thread. ROUNDS = $1 (default 5). Heap fixed and pre-touched, as the JMH forks.
# Run from a built checkout (mvn -DskipTests package -pl benchmarks -am):
#   benchmarks/row-programs.sh [ROUNDS] [B] [THREADS (default 2)]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
here="$root"
source "$root/bin/jvm-options.sh"
cd "$root"
java -Xms3g -Xmx3g -XX:+AlwaysPreTouch "${opts[@]}" \
  -cp "$root/benchmarks/target/benchmarks.jar:$(cat "$root/jobs/target/classpath.txt")" \
  io.batchjac.bench.RowProgramComparison "${1:-5}" "${2:-1000000}" "${3:-2}"
