#!/usr/bin/env bash
# Fused kernels by CPU time (docs/fusion.md): for each workload, ROUNDS rounds (default 3) of
# BEFORE (a built checkout), OFF (this checkout with -Dbatchjac.fusion=false) and FUSED (this
# checkout, fusion on: the default), each `java benchmarks/cpu-time/CpuTime.java SPEC OP B REPS` on one engine thread and
# one OpenBLAS thread: the CPU seconds of the calling thread per run (least and median), which a
# loaded, shared machine disturbs far less than wall time. One line per run:
#   <side> r<round> <spec> <op> B=<B> cpu s: min <s> median <s>  gemm GF/s at min <rate>
# Usage: benchmarks/fusion-cpu-time.sh BEFORE_CHECKOUT [WORKLOAD ...]
#   WORKLOAD = "spec op B reps" (spec: a name in conf/examples); default: the issue-14 tensor workloads.
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,9p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
before="$(cd "$1" && pwd)"; shift
after="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
for d in "$before" "$after"; do
  [[ -d "$d/engine/target/classes" && -f "$d/jobs/target/classpath.txt" ]] \
    || { echo "fusion-cpu-time.sh: error: $d is not built (mvn -DskipTests package -pl jobs -am)" >&2; exit 1; }
done
[[ $# -gt 0 ]] || set -- "mlp jacobian 16384 9" "mlp forward 16384 9" "mlp jvp 16384 9" "mlp vjp 16384 9" \
  "wide jacobian 4096 9" "scalar_mlp hessian 16384 9"
deps=$(tr ':' '\n' < "$after/jobs/target/classpath.txt" | grep -v '/batchjac-' | paste -sd:)
src="$after/benchmarks/cpu-time/CpuTime.java"
for w in "$@"; do
  read -r spec op batch reps <<< "$w"
  for r in $(seq 1 "${ROUNDS:-3}"); do
    for side in before off fused; do
      classes=$after/engine/target/classes; fusion=true
      [[ $side == before ]] && { classes=$before/engine/target/classes; fusion=false; }
      [[ $side == off ]] && fusion=false
      echo "$side r$r $(OPENBLAS_NUM_THREADS=1 java -Dbatchjac.fusion=$fusion -cp "$classes:$deps" "$src" \
        "$after/conf/examples/$spec.fn" "$op" "$batch" "$reps" 2>/dev/null)"
    done
  done
done
