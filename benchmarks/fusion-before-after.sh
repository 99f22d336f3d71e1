#!/usr/bin/env bash
# Fused kernels, measured in one run (docs/fusion.md): alternates three sides on the workloads of
# issue 14 -- BEFORE (a built checkout without generated kernels), AFTER with -Dbatchjac.fusion=false
# (generated per-primitive kernels, step by step) and AFTER with -Dbatchjac.fusion=true (fused
# groups) -- ROUNDS rounds (default 3) x (before, unfused, fused), each
# `bin/batchjac bench --threads 2 --repeat R --warmup W --json` (R=5, W=2 unless REPEAT/WARMUP
# are set), one line per run:  <workload> round <r> <side> <best s> <median s>
# then per workload and side the least best and the median of the bests, and the ratios.
# ONLY=name,name,... runs only those workloads (names as printed: borehole, ishigami, mlp,
# pinn_heat, jacobian_penalty, mlp_forward, mlp_jvp, mlp_vjp, wide, softplus_hessian).
# Usage: benchmarks/fusion-before-after.sh BEFORE_CHECKOUT [AFTER_CHECKOUT (default: this one)]
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,11p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
before="$(cd "$1" && pwd)"
after="$(cd "${2:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
for d in "$before" "$after"; do
  [[ -x "$d/bin/batchjac" ]] || { echo "fusion-before-after.sh: error: $d/bin/batchjac not found" >&2; exit 1; }
done
rounds=${ROUNDS:-3}
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
ex="$after/conf/examples"
for w in "borehole|--spec $ex/borehole.fn --batch 1000000 --op gradient" \
    "ishigami|--spec $ex/ishigami.fn --batch 1000000 --op jacobian" \
    "mlp|--spec $ex/mlp.fn --batch 65536 --op jacobian" \
    "pinn_heat|--spec $ex/pinn_heat.fn --batch 16384 --op jacobian --wrt W1,b1,W2,b2,W3,b3" \
    "jacobian_penalty|--spec $ex/jacobian_penalty.fn --batch 16384 --op jacobian --wrt W1" \
    "mlp_forward|--spec $ex/mlp.fn --batch 65536 --op jacobian --backend forward" \
    "mlp_jvp|--spec $ex/mlp.fn --batch 65536 --op jvp" \
    "mlp_vjp|--spec $ex/mlp.fn --batch 65536 --op vjp" \
    "wide|--spec $ex/wide.fn --batch 16384 --op jacobian" \
    "softplus_hessian|--spec $ex/scalar_mlp.fn --batch 65536 --op hessian"; do
  name=${w%%|*}
  args=${w#*|}
  [[ -z "${ONLY:-}" || ",$ONLY," == *",$name,"* ]] || continue
  for round in $(seq 1 "$rounds"); do
    for side in before unfused fused; do
      dir=$after; opts="-Dbatchjac.fusion=true"
      [[ $side == before ]] && dir=$before
      [[ $side == unfused ]] && opts="-Dbatchjac.fusion=false"
      json=$(BATCHJAC_JAVA_OPTS="$opts" "$dir/bin/batchjac" bench $args --threads 2 \
        --repeat "${REPEAT:-5}" --warmup "${WARMUP:-2}" --json)
      line="$name round $round $side $(echo "$json" | python3 -c \
        'import json,sys; d=json.load(sys.stdin); print("%.4f %.4f" % (d["seconds_best"], d["seconds_median"]))')"
      echo "$line" | tee -a "$out"
    done
  done
done
python3 - "$out" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    name, _, _, side, best, median = line.split()
    runs[(name, side)].append(float(best))
print("\nworkload | before: least / median best s | unfused | fused | before/fused (least) | before/fused (medians) | unfused/fused (medians)")
for name in dict.fromkeys(n for n, _ in runs):
    b, u, f = runs[(name, "before")], runs[(name, "unfused")], runs[(name, "fused")]
    print(f"{name} | {min(b):.4f} / {statistics.median(b):.4f} | {min(u):.4f} / {statistics.median(u):.4f}"
          f" | {min(f):.4f} / {statistics.median(f):.4f} | {min(b) / min(f):.2f}x"
          f" | {statistics.median(b) / statistics.median(f):.2f}x | {statistics.median(u) / statistics.median(f):.2f}x")
PY
