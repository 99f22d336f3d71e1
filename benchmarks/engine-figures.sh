#!/usr/bin/env bash
# The engine's headline figures (issue "AD engine"): each workload timed by `bin/batchjac bench`
# with the machine's dgemm rate measured in the same run. Writes benchmarks/results/engine.md.
# Run from a built checkout: mvn -DskipTests package && benchmarks/engine-figures.sh
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/benchmarks/results/engine.md"
bench() { "$root/bin/batchjac" bench --roofline --repeat 7 --warmup 2 --json "$@"; }
rows=()
rows+=("$(bench --spec "$root/conf/examples/mlp.fn" --op jacobian --backend forward --batch 65536)")
rows+=("$(bench --spec "$root/conf/examples/mlp.fn" --op jacobian --backend reverse --batch 65536)")
rows+=("$(bench --spec "$root/conf/examples/borehole.fn" --op gradient --backend reverse --batch 1000000)")
rows+=("$(bench --spec "$root/conf/examples/scalar_mlp.fn" --op hessian --batch 65536)")
{
  echo "| workload | op | mode | B | best s | median s | samples/s | GEMM GFLOP/s | dgemm GFLOP/s (same run) | fraction |"
  echo "|---|---|---|---|---|---|---|---|---|---|"
  for r in "${rows[@]}"; do
    /usr/bin/env python3 -c '
import json, os, sys
d = json.loads(sys.argv[1])
frac = d["gemm_gflops"] / d["dgemm_peak_gflops"] if d["dgemm_peak_gflops"] else 0
print("| %s | %s | %s | %d | %.4f | %.4f | %s | %.1f | %.1f | %s |" % (
    os.path.basename(d["spec"]), d["op"], d["mode"], d["batch"], d["seconds_best"], d["seconds_median"],
    format(int(d["samples_per_s"]), ","), d["gemm_gflops"], d["dgemm_peak_gflops"],
    ("%.0f%%" % (100 * frac)) if d["gemm_gflops"] > 0.5 else "n/a (elementwise)"))' "$r"
  done
  echo
  echo "BLAS: $(/usr/bin/env python3 -c 'import json,sys; print(json.loads(sys.argv[1])["blas"])' "${rows[0]}"); $(nproc) cores; $(date -u +%Y-%m-%d)."
} > "$out"
cat "$out"
