#!/usr/bin/env bash
# The gradbench workloads of issue 20, both sides, one machine, one run: JMH (warm objective and
# derivative; every call of a fresh JVM) and the same workloads in PyTorch (1 thread), then the
# table of bench/RESULTS.md.
#
#   bench/peers/gradbench.sh [--build] [--quick] [--only lse.scalar,lse.tensor]
#
# Full mode: every workload (17 Java forms, 10 PyTorch ones) with JMH's annotated iterations
# (3 × 2 s warm-up, 5 × 1 s measured), objective, derivative and plain doubles, and 500 cold
# calls with code generation on and off; it took 24 minutes on 2 cores (quiet, 2026-12-07).
# --quick: the same workloads at the same sizes, both sides in one run, a check meant to take
# at most 10 minutes on 2 cores: objective and derivative only, 1 × 1 s warm-up and 1 × 1 s
# measured, settling capped (-Dgradbench.quick=true: 2 s of calls, 5 s for generated code),
# no pre-touched heap, 20 cold calls with code generation on only (too few to reach its
# threshold: the on/off comparison needs the full run), PyTorch's --quick (one round, 5 cold
# calls or 10 s of them). Its ratios are indicative; RESULTS.md takes the full run's.
#
# Output in $OUT (default bench/target/gradbench-<UTC time>): machine.txt, values-java.txt,
# jmh-gradbench.txt/.json, torch-gradbench.txt/.json, gradbench-table.md.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=0
QUICK=0
JMH_ITER=()
COLD_ITER=()
TORCH_ARGS=()
ONLY=""
while [ $# -gt 0 ]; do
  case "$1" in
    --build) BUILD=1 ;;
    --quick) QUICK=1; JMH_ITER=(-wi 1 -i 1 -w 1 -r 1); COLD_ITER=(-i 20); TORCH_ARGS+=(--quick) ;;
    --only) ONLY="$2"; shift ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
  shift
done
PY=/usr/bin/python3
if [ "$BUILD" = 1 ]; then
  mvn -B -ntp -pl dsl,bench -am package -DskipTests
fi
OUT=${OUT:-bench/target/gradbench-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
cp "${BENCH_JAR:-bench/target/benchmarks.jar}" "$OUT/benchmarks.jar"
JAR="$OUT/benchmarks.jar"
PARAMS=()
TORCH_ONLY=()
if [ -n "$ONLY" ]; then
  PARAMS=(-p "workload=$ONLY")
  TORCH_ONLY=(--only "$(echo "$ONLY" | tr ',' '\n' | sed -E 's/^(det\.[a-z]+)$/\1/; t; s/\..*//' | sort -u | paste -sd,)")
fi
{
  echo "date: $(date -u)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null) $(git status --porcelain 2>/dev/null | wc -l) uncommitted paths"
  echo "nproc: $(nproc)"
  lscpu | head -20
  java -version 2>&1
  $PY -c 'import torch, sys; print("python", sys.version.split()[0], "torch", torch.__version__)'
  echo "load before: $(uptime)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

java -Xmx3g -cp "$JAR" dev.wengert.bench.Gradbench $(echo "$ONLY" | tr ',' ' ') | tee "$OUT/values-java.txt"
WARM='dev.wengert.bench.GradbenchBench'
COLD='dev.wengert.bench.GradbenchColdBench'
JAVA_QUICK=()
if [ "$QUICK" = 1 ]; then
  WARM='dev.wengert.bench.GradbenchBench.(objective|derivative)$'
  COLD='dev.wengert.bench.GradbenchColdBench.derivative$'
  JAVA_QUICK=(-Dgradbench.quick=true)     # the forks inherit it: settle() capped
  JMH_ITER+=(-jvmArgsAppend "-Xmx3g")     # replaces the annotations' pre-touched 3 GB heap
  COLD_ITER+=(-jvmArgsAppend "-Xmx3g")
fi
java "${JAVA_QUICK[@]}" -jar "$JAR" "$WARM" "${JMH_ITER[@]}" "${PARAMS[@]}" \
  -prof dev.wengert.bench.CpuTimeProfiler -rf json -rff "$OUT/jmh-warm.json" 2>&1 | tee "$OUT/jmh-gradbench.txt"
java -jar "$JAR" "$COLD" "${COLD_ITER[@]}" "${PARAMS[@]}" \
  -rf json -rff "$OUT/jmh-cold.json" 2>&1 | tee -a "$OUT/jmh-gradbench.txt"
$PY -c "import json,sys; json.dump(json.load(open('$OUT/jmh-warm.json')) + json.load(open('$OUT/jmh-cold.json')), open('$OUT/jmh-gradbench.json','w'), indent=1)"
echo "load between: $(uptime)" >> "$OUT/machine.txt"
OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $PY bench/peers/gradbench_torch.py --threads 1 \
  --json "$OUT/torch-gradbench.json" "${TORCH_ARGS[@]}" "${TORCH_ONLY[@]}" 2>&1 | tee "$OUT/torch-gradbench.txt"
echo "load after: $(uptime)" >> "$OUT/machine.txt"
$PY bench/peers/gradbench_report.py "$OUT" | tee "$OUT/gradbench-table.md"
echo "run directory: $OUT"
