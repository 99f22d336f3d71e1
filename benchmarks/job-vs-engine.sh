#!/usr/bin/env bash
# The jobs path against the in-process engine, in one run: the MLP Jacobian at B = 1,000,000,
# `bin/batchjac jacobian` on local[2] writing .npy (Spark start-up excluded: the job's own
# seconds) versus `bin/batchjac bench` (engine only, 2 threads, no file). The job runs with a
# 1 GiB heap (-Xmx1g) to show that the driver streams the 1 GB result instead of holding it.
# Run from a built checkout: benchmarks/job-vs-engine.sh [B] [OUT_DIR]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
B="${1:-1000000}"
dir="${2:-$(mktemp -d)}"
spec="$root/conf/examples/mlp.fn"
engine=$("$root/bin/batchjac" bench --spec "$spec" --op jacobian --batch "$B" --threads 2 --repeat 3 --warmup 1 --json)
jobs=()
for i in 1 2 3; do
  line=$(BATCHJAC_JAVA_OPTS="-Xmx1g" "$root/bin/batchjac" jacobian --spec "$spec" --samples "$B" --master 'local[2]' \
    --output "$dir/jac.npy" --overwrite 2>/dev/null)
  jobs+=("$(echo "$line" | sed -E 's/.* in ([0-9.]+) s .*/\1/')")
done
/usr/bin/env python3 - "$engine" "${jobs[@]}" <<'PY'
import json, sys, statistics
e = json.loads(sys.argv[1]); j = sorted(float(s) for s in sys.argv[2:])
print(f"engine in-process (2 threads): best {e['seconds_best']:.2f} s, median {e['seconds_median']:.2f} s")
print(f"job local[2] -> .npy (-Xmx1g): best {j[0]:.2f} s, median {statistics.median(j):.2f} s")
print(f"ratio job/engine: best {j[0]/e['seconds_best']:.2f}, median {statistics.median(j)/e['seconds_median']:.2f}")
PY
