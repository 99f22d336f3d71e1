#!/usr/bin/env bash
# Before/after of an engine change, measured in one run: alternates two built checkouts on the
# issue's workloads, 3 rounds x (before, after), each `bin/batchjac bench --threads 2 --repeat 10
# --warmup 3` (inputs from conf/examples of the AFTER checkout), one line per run:
#   <spec> <op> round <r> <before|after> <best s> <median s>
# then per workload the least best and the median of the bests of each side.
# Usage: benchmarks/before-after.sh BEFORE_CHECKOUT [AFTER_CHECKOUT (default: this one)]
#   e.g. git worktree add /tmp/before <commit> && (cd /tmp/before && mvn -q -DskipTests package)
set -euo pipefail
[[ $# -ge 1 ]] || { sed -n '2,8p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 2; }
before="$(cd "$1" && pwd)"
after="$(cd "${2:-$(dirname "${BASH_SOURCE[0]}")/..}" && pwd)"
for d in "$before" "$after"; do
  [[ -x "$d/bin/batchjac" ]] || { echo "before-after.sh: error: $d/bin/batchjac not found" >&2; exit 1; }
done
out="$(mktemp)"
trap 'rm -f "$out"' EXIT
for w in "mlp.fn 65536 jacobian" "wide.fn 16384 jacobian" "borehole.fn 1000000 jacobian" \
    "ishigami.fn 1000000 jacobian" "scalar_mlp.fn 65536 hessian" "mlp.fn 65536 jvp" "mlp.fn 65536 vjp"; do
  set -- $w
  for round in 1 2 3; do
    for side in before after; do
      dir=$before; [[ $side == after ]] && dir=$after
      json=$("$dir/bin/batchjac" bench --spec "$after/conf/examples/$1" --batch "$2" --op "$3" \
        --threads 2 --repeat 10 --warmup 3 --json)
      line="$1 $3 round $round $side $(echo "$json" | python3 -c \
        'import json,sys; d=json.load(sys.stdin); print("%.4f %.4f" % (d["seconds_best"], d["seconds_median"]))')"
      echo "$line" | tee -a "$out"
    done
  done
done
python3 - "$out" <<'PY'
import collections, statistics, sys
runs = collections.defaultdict(list)
for line in open(sys.argv[1]):
    spec, op, _, _, side, best, median = line.split()
    runs[(spec, op, side)].append(float(best))
print("\nworkload | before: least / median best s | after: least / median best s | speed-up (medians)")
for spec, op in dict.fromkeys((s, o) for s, o, _ in runs):
    b, a = runs[(spec, op, "before")], runs[(spec, op, "after")]
    print(f"{spec} {op} | {min(b):.4f} / {statistics.median(b):.4f} | {min(a):.4f} / {statistics.median(a):.4f}"
          f" | {statistics.median(b) / statistics.median(a):.2f}x")
PY
