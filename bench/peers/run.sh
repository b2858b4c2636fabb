#!/usr/bin/env bash
# One command, both sides, one machine: the JMH suite for W1–W4 (Wengert, Commons Math,
# Hipparchus), tape memory, and the same workloads in PyTorch (float64, 1 and 2 threads),
# then the ratio tables of bench/RESULTS.md.
#
#   bench/peers/run.sh [--build] [--quick]
#
#   --build   first run: mvn -B -ntp -pl dsl,bench -am package -DskipTests
#   --quick   1 warmup + 2 measurement iterations of 1 s (to try the script, not to report)
#
# Output goes to $OUT (default bench/target/peer-run-<UTC time>): machine.txt, jmh.txt,
# jmh.json, tape-memory.txt, torch.txt, torch1.json, torch2.json, values.txt and speed-table.md.
# The benchmark jar is copied there first, so a rebuild by someone else mid-run cannot change it.
# BENCH_JAR=path overrides the jar to copy. About 15 minutes on 2 cores (JMH ≈ 12.5, PyTorch ≈ 2).
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=0
JMH_ITER=()
TORCH_ARGS=()
for a in "$@"; do
  case "$a" in
    --build) BUILD=1 ;;
    --quick) JMH_ITER=(-wi 1 -i 2 -w 1 -r 1); TORCH_ARGS=(--quick) ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done

PY=/usr/bin/python3        # Debian's python, which has python3-torch (a pyenv python3 on PATH does not)
if [ "$BUILD" = 1 ]; then
  mvn -B -ntp -pl dsl,bench -am package -DskipTests
fi
OUT=${OUT:-bench/target/peer-run-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
cp "${BENCH_JAR:-bench/target/benchmarks.jar}" "$OUT/benchmarks.jar"
JAR="$OUT/benchmarks.jar"

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

# the numbers both sides compute, side by side
java -cp "$JAR" dev.wengert.bench.Workloads | tee "$OUT/values.txt"

java -jar "$JAR" 'dev.wengert.bench.W[1-4]' "${JMH_ITER[@]}" -prof dev.wengert.bench.CpuTimeProfiler \
  -rf json -rff "$OUT/jmh.json" 2>&1 | tee "$OUT/jmh.txt"

java -Xms2g -Xmx2g -XX:+UseSerialGC -cp "$JAR" dev.wengert.bench.TapeMemory 2>&1 | tee "$OUT/tape-memory.txt"

# One process per thread count, with OpenMP and OpenBLAS (Debian's torch calls the system
# OpenBLAS, which has its own thread pool) both limited to it: otherwise a "1 thread" run
# still multiplies matrices on 2 threads, and a 2-thread run oversubscribes 2 cores with 4.
: > "$OUT/torch.txt"
for th in 1 2; do
  OMP_NUM_THREADS=$th OPENBLAS_NUM_THREADS=$th $PY bench/peers/torch_bench.py --threads $th \
    --json "$OUT/torch$th.json" "${TORCH_ARGS[@]}" 2>&1 | tee -a "$OUT/torch.txt"
done
grep '^values:' "$OUT/torch.txt" | head -1 | sed 's/^/torch /' >> "$OUT/values.txt"

echo "load after: $(uptime)" >> "$OUT/machine.txt"
$PY bench/peers/report.py "$OUT" | tee "$OUT/speed-table.md"
echo "run directory: $OUT"
