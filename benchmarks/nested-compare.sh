#!/usr/bin/env bash
# Nested AD: batchjac vs PyTorch in ONE run, with the user's own command (bin/batchjac bench,
# default settings) and the PyTorch peer (benchmarks/peers/torch_nested.py: functorch vmap routes
# and torch.autograd.grad with create_graph=True), alternating, ROUNDS rounds. Workloads:
#   pinn     per-sample gradient of conf/examples/pinn_heat.fn's residual w.r.t. all weights, B = 65,536
#   penalty  per-sample gradient of conf/examples/jacobian_penalty.fn w.r.t. W1, B = 16,384
#   hvp      conf/examples/hvp.fn (a Hessian-vector product), B = 65,536
#   pinn-mean  the PINN gradient with --reduce mean (compared with the unreduced engine time)
# Prints the CPU model, each timing (best and median seconds) and the ratios PyTorch best route /
# batchjac (min and median over the rounds), and writes benchmarks/results/nested.md.
# Needs a build (mvn -DskipTests package), /usr/bin/python3 with python3-torch and numpy, OpenBLAS.
#   benchmarks/nested-compare.sh [ROUNDS]      (default 3; about 2 minutes a round here)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
rounds="${1:-3}"
scale="${NESTED_SCALE:-1}"   # divide every B by this (smoke tests only)
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
cpu=$(grep -m1 "model name" /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//')
raw="$root/benchmarks/results/raw/nested"
mkdir -p "$raw"
: > "$raw/runs.jsonl"
torch() {  # workload batch
  LD_LIBRARY_PATH="$openblas" OPENBLAS_NUM_THREADS=2 /usr/bin/python3 "$root/benchmarks/peers/torch_nested.py" \
    --workload "$1" --batch "$2" --reps 5 --label side=torch --label "round=$r" | grep '"route"'
}
ours() {  # name spec batch args...
  local name=$1 spec=$2 batch=$3; shift 3
  "$root/bin/batchjac" bench --spec "$root/conf/examples/$spec" --batch "$batch" --json "$@" \
    | sed "s/^{/{\"side\": \"batchjac\", \"round\": $r, \"workload\": \"$name\", /"
}
echo "CPU: $cpu; $(nproc) cores; $rounds rounds"
for r in $(seq 1 "$rounds"); do
  {
    torch pinn $((65536 / scale))
    ours pinn pinn_heat.fn $((65536 / scale)) --wrt W1,b1,W2,b2,W3,b3
    ours pinn-mean pinn_heat.fn $((65536 / scale)) --wrt W1,b1,W2,b2,W3,b3 --reduce mean
    torch penalty $((16384 / scale))
    ours penalty jacobian_penalty.fn $((16384 / scale)) --wrt W1
    torch hvp $((65536 / scale))
    ours hvp hvp.fn $((65536 / scale)) --op eval
  } | tee -a "$raw/runs.jsonl" | cut -c1-160
done
/usr/bin/python3 - "$raw/runs.jsonl" "$root/benchmarks/results/nested.md" "$cpu" "$rounds" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
for r in rows:
    r["round"] = int(r["round"])
out, cpu, rounds = sys.argv[2], sys.argv[3], sys.argv[4]
def best(side, w, route=None):
    return [r for r in rows if r["side"] == side and r["workload"] == w and (route is None or r.get("route") == route)]
lines = ["# Nested AD: batchjac vs PyTorch (benchmarks/nested-compare.sh)", "",
         f"CPU: {cpu}. {rounds} rounds, alternating; each timing is the best (and median) of 5 calls.",
         "PyTorch 1.13 float64, 2 threads, OpenBLAS; batchjac: `bin/batchjac bench` on default settings.", "",
         "| workload | B | batchjac best / median s | PyTorch functorch best s | PyTorch autograd best s | speed-up over PyTorch's best route: min / median over rounds |",
         "|---|---|---|---|---|---|"]
for w in ["pinn", "penalty", "hvp"]:
    ours = best("batchjac", w)
    ratios = []
    for r in range(1, int(rounds) + 1):
        o = [x for x in ours if x["round"] == r]
        t = [x for x in best("torch", w) if x["round"] == r]
        if o and t:
            ratios.append(min(x["seconds_best"] for x in t) / o[0]["seconds_best"])
    fmt = lambda xs: "%.3f" % min(xs) if xs else "-"
    lines.append("| %s | %d | %.3f / %.3f | %s | %s | %.1fx / %.1fx |" % (
        w, ours[0]["batch"], min(x["seconds_best"] for x in ours), statistics.median(x["seconds_median"] for x in ours),
        fmt([x["seconds_best"] for x in best("torch", w, "functorch")]), fmt([x["seconds_best"] for x in best("torch", w, "autograd")]),
        min(ratios), statistics.median(ratios)))
pm = best("batchjac", "pinn-mean"); pu = best("batchjac", "pinn")
rr = [m["seconds_best"] / u["seconds_best"] for m, u in zip(sorted(pm, key=lambda x: x["round"]), sorted(pu, key=lambda x: x["round"]))]
lines += ["", "`--reduce mean` on the PINN gradient / the unreduced engine time (best over best, per round): min %.2f, median %.2f" % (min(rr), statistics.median(rr))]
open(out, "w").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
