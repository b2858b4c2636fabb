#!/usr/bin/env bash
# Issue 20's "no gradient call more than 2x its median" on a warm JVM: GradbenchWarmCallsBench
# (each workload settled, 200 untimed calls, then 1,000 calls timed one by one) and the table of
# warm_calls.py. About 3 minutes for all 17 forms on 2 cores (10:03–10:06 UTC, 2026-12-07); run
# it on a quiet machine.
#
#   bench/peers/warm_calls.sh [--only lse.scalar,gmm.scalar]
#
# Output in $OUT (default bench/target/warm-calls-<UTC time>): machine.txt, jmh.txt, jmh.json, calls-table.md.
set -euo pipefail
cd "$(dirname "$0")/../.."
PARAMS=()
case "${1:-}" in
  "") ;;
  --only) [ -n "${2:-}" ] || { echo "--only needs a list of workloads, e.g. --only lse.scalar,gmm.scalar" >&2; exit 2; }
          PARAMS=(-p "workload=$2") ;;
  *) echo "unknown option $1 (bench/peers/warm_calls.sh [--only lse.scalar,gmm.scalar])" >&2; exit 2 ;;
esac
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
java -jar "$JAR" 'dev.wengert.bench.GradbenchWarmCallsBench' "${PARAMS[@]}" -rf json -rff "$OUT/jmh.json" 2>&1 | tee "$OUT/jmh.txt"
echo "load after: $(uptime)" >> "$OUT/machine.txt"
/usr/bin/python3 bench/peers/warm_calls.py "$OUT/jmh.json" | tee "$OUT/calls-table.md"
echo "run directory: $OUT"
