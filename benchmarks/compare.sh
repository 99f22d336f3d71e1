#!/usr/bin/env bash
# batchjac vs PyTorch, side by side, in ONE run (issue 8): measures this machine's dgemm rate and
# memory bandwidth, runs our JMH suite (EngineBenchmark: the issue's workloads; BaselineBenchmark:
# hand-written analytic and Hipparchus; SweepBenchmark: B = 1e3 ... 1e6), the user's command
# `bin/batchjac bench` on default settings for the same workloads (issue 14 item 8: the report's headline
# table, anchors, roofline and targets use these; JMH has its own table), then the PyTorch peer
# (benchmarks/peers/torch_bench.py, every full-batch route), and writes
#   benchmarks/results/compare.md, compare-throughput.png, compare-sweep.png
# plus the raw results in benchmarks/results/raw/ (limits.json, jmh.json, bench.jsonl, torch.json).
#
# Takes 11 to 12 minutes on the project's 2-core machine (measured 2026-12-06: 686 s; JMH about 5,
# bench about 2, PyTorch about 4, build and limits under 1); the peer waits briefly for quiet
# moments, so heavy load makes it longer. The peer runs with glibc's malloc keeping freed memory, and
# with the OPENBLAS_CORETYPE bin/batchjac would choose when it is unset (see below). --quick is a
# smoke run (fewer repetitions, PyTorch at a tenth of B), written to benchmarks/results/quick/, not
# for publishing.
#
# Needs: Java 17 and Maven (builds benchmarks/target/benchmarks.jar when missing or older than the
# sources), /usr/bin/python3 with Debian's python3-torch and python3-numpy, and OpenBLAS
# (apt-get install -y python3-torch python3-numpy libopenblas0-pthread). Run from anywhere:
#   benchmarks/compare.sh [--quick]
# Outputs replace the previous ones only when the whole run succeeded.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jar="$root/benchmarks/target/benchmarks.jar"
results="$root/benchmarks/results"
openblas=/usr/lib/x86_64-linux-gnu/openblas-pthread
python=/usr/bin/python3

quick=false
for a in "$@"; do
  case "$a" in
    --quick) quick=true; results="$results/quick" ;;
    -h|--help) sed -n '2,20p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "compare.sh: error: unknown option '$a' (usage: benchmarks/compare.sh [--quick])" >&2; exit 2 ;;
  esac
done

fail() { echo "compare.sh: error: $*" >&2; exit 1; }
[[ -x "$python" ]] || fail "$python not found (the PyTorch peer runs on Debian's python3: apt-get install -y python3-torch python3-numpy)"
"$python" -c 'import torch, numpy' 2>/dev/null \
  || fail "$python cannot import torch and numpy (apt-get install -y python3-torch python3-numpy)"
[[ -d "$openblas" ]] \
  || fail "$openblas not found: PyTorch would run on the reference BLAS, ~30x slower (apt-get install -y libopenblas0-pthread)"

if [[ ! -f "$jar" ]] || [[ -n "$(find "$root"/{engine,jobs,benchmarks}/src "$root"/{engine,jobs,benchmarks}/pom.xml "$root/pom.xml" -newer "$jar" -type f 2>/dev/null | head -1)" ]]; then
  echo "== building (mvn -DskipTests package)"
  (cd "$root" && mvn -B -ntp -q -DskipTests package -pl benchmarks -am) || fail "build failed"
fi

mkdir -p "$results"
tmp="$(mktemp -d "$results/.compare.XXXXXX")"
# raw results of a failed run stay in $tmp for inspection; a successful run moves them out
trap 'rc=$?; if [[ $rc -eq 0 ]]; then rm -rf "$tmp"; else echo "compare.sh: raw results so far are in $tmp" >&2; fi' EXIT
start=$(date +%s)
cd "$root"   # JMH and the report find conf/examples from the working directory

# The engine runs one thread per core over chunks, one BLAS thread each (as bin/batchjac does).
export OPENBLAS_NUM_THREADS=1
# When OPENBLAS_CORETYPE is unset, bin/batchjac picks the kernel set for this CPU (OpenBlasCoretype);
# JMH and the PyTorch peer get the same choice, so both sides run the same OpenBLAS kernels.
if [[ -z "${OPENBLAS_CORETYPE:-}" ]]; then
  coretype=$(java -cp "$jar" io.batchjac.engine.exec.OpenBlasCoretype 2>/dev/null || true)
  if [[ -n "$coretype" ]]; then
    export OPENBLAS_CORETYPE="$coretype" BATCHJAC_CHOSE_OPENBLAS_CORETYPE=1
    echo "== OPENBLAS_CORETYPE unset: $coretype for every side (as bin/batchjac chooses on this CPU)"
  fi
fi
echo "== machine limits (dgemm, memory bandwidth)"
java -cp "$jar" io.batchjac.bench.compare.MachineLimits "$tmp/limits.json"

if $quick; then jmh_iter=(-wi 1 -i 2); else jmh_iter=(-wi 2 -i 5); fi
echo "== batchjac: JMH (EngineBenchmark, BaselineBenchmark, SweepBenchmark)"
java -jar "$jar" 'io\.batchjac\.bench\.(EngineBenchmark|BaselineBenchmark|SweepBenchmark)\.' -f 1 "${jmh_iter[@]}" \
  -rf json -rff "$tmp/jmh.json" | grep --line-buffered -E '^(# (Benchmark|Parameters):|Iteration|Benchmark|[A-Z][A-Za-z]*Benchmark\.run)' || true
[[ -s "$tmp/jmh.json" ]] || fail "JMH wrote no results"

echo "== batchjac: bin/batchjac bench, default settings (CPU: $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1))"
# spec op batch, as in the report's table (benchmarks/src/.../compare/Row.java); --quick: fewer runs
if $quick; then bench_runs=(--repeat 2 --warmup 1); else bench_runs=(); fi
for w in "mlp jacobian 65536" "wide jacobian 16384" "borehole jacobian 1000000" "ishigami jacobian 1000000" \
         "scalar_mlp hessian 65536" "mlp jvp 65536" "mlp vjp 65536"; do
  set -- $w
  "$root/bin/batchjac" bench --spec "conf/examples/$1.fn" --op "$2" --batch "$3" --roofline --json "${bench_runs[@]}" \
    2>/dev/null >> "$tmp/bench.jsonl" || fail "bin/batchjac bench failed on $w"
  tail -n 1 "$tmp/bench.jsonl" | sed -E 's/.*"op": "([a-z]+)".*"batch": ([0-9]+).*"seconds_best": ([0-9.]+).*/   \1 B=\2: best \3 s/' \
    | sed "s|^   |   $1 |"
done

if $quick; then peer=(--scale 0.1 --reps 1); else peer=(); fi
echo "== PyTorch peer (benchmarks/peers/torch_bench.py --fast)"
# glibc's malloc keeps the memory PyTorch frees (no mmap/munmap per tensor): on virtual machines where a
# fresh page costs ~10 us (this project's, 2026-12) every new tensor otherwise faults its pages in again,
# and PyTorch's times were 3-12x longer (mlp Jacobian 3.13 s against 0.31 s; see docs/benchmarks.md).
# The JVM's heap keeps its pages by itself, so this is the peer at its best, not a handicap for us.
env LD_LIBRARY_PATH="$openblas" OPENBLAS_NUM_THREADS=2 OMP_NUM_THREADS=2 \
  MALLOC_MMAP_THRESHOLD_="${MALLOC_MMAP_THRESHOLD_:-4294967296}" MALLOC_TRIM_THRESHOLD_="${MALLOC_TRIM_THRESHOLD_:-68719476736}" \
  MALLOC_TOP_PAD_="${MALLOC_TOP_PAD_:-1073741824}" \
  "$python" -u "$root/benchmarks/peers/torch_bench.py" --tag openblas --out "$tmp/torch.json" --fast \
  --quiet-wait 1 --workload-quiet-wait 5 "${peer[@]}" | grep --line-buffered -E '^(==|--|   )' || true
[[ -s "$tmp/torch.json" ]] || fail "the PyTorch peer wrote no results"

echo "== machine limits again (each limit: the better of the two measurements)"
java -cp "$jar" io.batchjac.bench.compare.MachineLimits "$tmp/limits.json"

echo "== report"
java -cp "$jar" io.batchjac.bench.compare.CompareReport "$tmp" "$tmp/out" > /dev/null || fail "the report failed"

mkdir -p "$results/raw"
mv "$tmp"/{limits,jmh,torch}.json "$tmp/bench.jsonl" "$results/raw/"
mv "$tmp"/out/* "$results/"
cat "$results/compare.md"
echo "== done in $(( $(date +%s) - start )) s: $results/compare.md"
