#!/usr/bin/env bash
# Issue 20's "no gradient call more than 2x its median" on a warm JVM: GradbenchWarmCallsBench
# (each workload settled, 200 untimed calls, then 1,000 calls timed one by one) and the table of
# warm_calls.py. With --note, the collections, JIT time, calling thread's CPU time and
# preemptions (involuntary context switches) inside each call are noted too (a diagnostic:
# reading the JVM's MXBeans between calls touches its own data, and det.lu's 4 µs calls took
# 5.3 µs at the median with it, 4.3 without, 2026-12-07). With --torch,
# PyTorch's derivatives (Debian python3-torch) under the same protocol, beside ours. About
# 3 minutes for all 17 forms on 2 cores (10:03–10:06 UTC, 2026-12-07); --torch adds up to a minute a
# workload (PyTorch's slowest derivatives take a second each, so its phases stop after 30 s);
# run it on a quiet machine.
#
#   bench/peers/warm_calls.sh [--note] [--torch] [--only lse.scalar,gmm.scalar]
#
# Output in $OUT (default bench/target/warm-calls-<UTC time>): machine.txt, jmh.txt, jmh.json,
# calls-<workload>.txt with --note (per call: collections, JIT ms, CPU ns, involuntary switches), torch-calls.json/.txt with --torch,
# calls-table.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
PARAMS=()
ONLY=""
TORCH=0
NOTE=()
while [ $# -gt 0 ]; do
  case "$1" in
    --torch) TORCH=1; shift ;;
    --note) NOTE=(env); shift ;;
    --only) [ -n "${2:-}" ] || { echo "--only needs a list of workloads, e.g. --only lse.scalar,gmm.scalar" >&2; exit 2; }
            ONLY="$2"; PARAMS=(-p "workload=$2"); shift 2 ;;
    *) echo "unknown option $1 (bench/peers/warm_calls.sh [--note] [--torch] [--only lse.scalar,gmm.scalar])" >&2; exit 2 ;;
  esac
done
OUT=${OUT:-bench/target/warm-calls-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
JAR="${BENCH_JAR:-bench/target/benchmarks.jar}"
{
  echo "date: $(date -u)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null) $(git status --porcelain 2>/dev/null | wc -l) uncommitted paths"
  echo "nproc: $(nproc)"
  java -version 2>&1
  echo "load before: $(uptime)"
} > "$OUT/machine.txt"
if [ ${#NOTE[@]} -gt 0 ]; then
  NOTE=(env "WENGERT_WARM_CALLS_DIR=$(cd "$OUT" && pwd)")
fi
"${NOTE[@]}" java -jar "$JAR" 'dev.wengert.bench.GradbenchWarmCallsBench' "${PARAMS[@]}" \
  -rf json -rff "$OUT/jmh.json" 2>&1 | tee "$OUT/jmh.txt"
TORCH_JSON=()
if [ "$TORCH" = 1 ]; then
  TORCH_ONLY=()
  if [ -n "$ONLY" ]; then
    TORCH_ONLY=(--only "$(echo "$ONLY" | tr ',' '\n' | sed -E 's/^(det\.[a-z]+)$/\1/; t; s/\..*//' | sort -u | paste -sd,)")
  fi
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 /usr/bin/python3 bench/peers/gradbench_torch.py --threads 1 \
    --warm-calls 1000 --json "$OUT/torch-calls.json" "${TORCH_ONLY[@]}" 2>&1 | tee "$OUT/torch-calls.txt"
  TORCH_JSON=("$OUT/torch-calls.json")
fi
echo "load after: $(uptime)" >> "$OUT/machine.txt"
/usr/bin/python3 bench/peers/warm_calls.py "$OUT/jmh.json" "${TORCH_JSON[@]}" | tee "$OUT/calls-table.md"
echo "run directory: $OUT"
