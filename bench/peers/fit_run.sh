#!/usr/bin/env bash
# The fitting benchmark, all three tools in one run on the same data: FitSpeedBench (Wengert,
# JMH), scipy's curve_fit (fit_peers.py) and R's nls (fit_peers.R), then the ratio table of
# bench/RESULTS.md (fit_report.py), and FitColdBench (a first fit in a fresh JVM).
#
#   bench/peers/fit_run.sh [--build] [--quick]
#
#   --build   first: mvn -B -ntp -pl dsl,bench -am package -DskipTests
#   --quick   a subset, meant to finish within 10 minutes on 2 cores: every model at 10³, 10⁴
#             and 10⁵ rows and MM and EXP2 at 10⁶ (LARGE_MODELS), JMH 2 forks of 2 warmup + 2
#             measurement iterations of 1 s, the peers 0.3 s per cell (at least 3 fits),
#             FitColdBench in 3 forks
#   (default) the full run: every model at 10³–10⁶ rows, JMH 3 forks of 2 warmup + 3 measurement
#             iterations of 1 s, the peers 2 s per cell (at least 3 fits), FitColdBench in 5 forks
#
# Several forks, because on this kind of machine (a 2-vCPU KVM guest) a JVM keeps one of a few
# speeds for its whole life, up to 1.8× apart (RESULTS, "bimodal"): one fork's mean is one draw.
# fit_report.py takes the median of the forks' means and prints their range.
#
# SIZES (default "1000 10000 100000 1000000"; --quick: "1000 10000 100000") and MODELS (default
# all five) select the cells run for every model; LARGE_SIZES (default: none; --quick "1000000")
# are run for LARGE_MODELS only (default "MM,EXP2").
# FIT_THREADS (default: unset, one per core) is passed to Wengert's fits as -Dwengert.fit.threads:
# 1 runs them on one thread, as the peers' numerics are below. The table's CPU columns count every
# Java thread of the benchmark JVM (CpuTimeProfiler's all.cpu.time.norm), so threads never hide work.
# Output goes to $OUT (default bench/target/fit-run-<UTC time>): machine.txt (with the load
# before and after), data/, jmh.txt, jmh.json, scipy-all.json, nls-all.json (jmh-large.json,
# scipy-large.json, nls-large.json for LARGE_SIZES), scipy.txt, nls.txt, cold.txt and fit-table.md.
# The benchmark jar is copied there first, so a rebuild mid-run cannot change it.
set -euo pipefail
cd "$(dirname "$0")/../.."

BUILD=0
JMH_ITER=(-f 3 -wi 2 -w 1 -i 3 -r 1)
QUICK=()
COLD_FORKS=5
for a in "$@"; do
  case "$a" in
    --build) BUILD=1 ;;
    --quick) JMH_ITER=(-f 2 -wi 2 -w 1 -i 2 -r 1); QUICK=(--quick); COLD_FORKS=3 ;;
    *) echo "unknown option $a" >&2; exit 2 ;;
  esac
done
if [ ${#QUICK[@]} -gt 0 ]; then
  SIZES=${SIZES:-"1000 10000 100000"}
  LARGE_SIZES=${LARGE_SIZES:-"1000000"}
else
  SIZES=${SIZES:-"1000 10000 100000 1000000"}
  LARGE_SIZES=${LARGE_SIZES:-""}
fi
if [ -n "${FIT_THREADS:-}" ]; then
  JMH_ITER+=(-jvmArgsPrepend "-Dwengert.fit.threads=$FIT_THREADS")
fi
MODELS=${MODELS:-"MM,POWER,LOGISTIC,EXP2,GAUSS2"}
LARGE_MODELS=${LARGE_MODELS:-"MM,EXP2"}

PY=/usr/bin/python3        # Debian's python with python3-scipy (a pyenv python3 on PATH has none)
if [ "$BUILD" = 1 ]; then
  mvn -B -ntp -pl dsl,bench -am package -DskipTests
fi
OUT=${OUT:-bench/target/fit-run-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"
cp "${BENCH_JAR:-bench/target/benchmarks.jar}" "$OUT/benchmarks.jar"
JAR="$OUT/benchmarks.jar"
{
  echo "date: $(date -u)"
  echo "git: $(git rev-parse --short HEAD 2>/dev/null) $(git status --porcelain 2>/dev/null | wc -l) uncommitted paths"
  echo "nproc: $(nproc)"
  lscpu | head -20
  java -version 2>&1
  $PY -c 'import scipy, numpy, sys; print("python", sys.version.split()[0], "numpy", numpy.__version__, "scipy", scipy.__version__)'
  R --version | head -1
  echo "wengert.fit.threads: ${FIT_THREADS:-default (one per core)}"
  echo "load before: $(uptime)"
} > "$OUT/machine.txt"
cat "$OUT/machine.txt"

# shellcheck disable=SC2086
java -cp "$JAR" dev.wengert.bench.FitModels "$OUT/data" $SIZES $LARGE_SIZES

ROWS=$(echo $SIZES | tr ' ' ',')
java -jar "$JAR" 'FitSpeedBench' -p model="$MODELS" -p rows="$ROWS" "${JMH_ITER[@]}" \
  -prof dev.wengert.bench.CpuTimeProfiler -rf json -rff "$OUT/jmh.json" 2>&1 | tee "$OUT/jmh.txt"
if [ -n "$LARGE_SIZES" ]; then
  LARGE_ROWS=$(echo $LARGE_SIZES | tr ' ' ',')
  java -jar "$JAR" 'FitSpeedBench' -p model="$LARGE_MODELS" -p rows="$LARGE_ROWS" "${JMH_ITER[@]}" \
    -prof dev.wengert.bench.CpuTimeProfiler -rf json -rff "$OUT/jmh-large.json" 2>&1 | tee -a "$OUT/jmh.txt"
fi
echo "load after JMH: $(uptime)" >> "$OUT/machine.txt"

# one thread for the peers' numerics (numpy's BLAS would otherwise use both cores); ours use every core
# unless FIT_THREADS=1, and the table's CPU columns count all of our threads
peers() {   # name models sizes...
  local name=$1 models=$2
  shift 2
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 $PY bench/peers/fit_peers.py "$OUT/data" "$@" --models "$models" \
    --json "$OUT/scipy-$name.json" "${QUICK[@]}" 2>&1 | tee -a "$OUT/scipy.txt"
  OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 Rscript bench/peers/fit_peers.R "$OUT/data" "$OUT/nls-$name.json" \
    "${QUICK[@]}" --models="$models" "$@" 2>&1 | tee -a "$OUT/nls.txt"
}
# shellcheck disable=SC2086
peers all "$MODELS" $SIZES
if [ -n "$LARGE_SIZES" ]; then
  # shellcheck disable=SC2086
  peers large "$LARGE_MODELS" $LARGE_SIZES
fi

java -jar "$JAR" 'FitColdBench' -f "$COLD_FORKS" -rf json -rff "$OUT/cold.json" 2>&1 | tee "$OUT/cold.txt"

echo "load after: $(uptime)" >> "$OUT/machine.txt"
$PY bench/peers/fit_report.py "$OUT" | tee "$OUT/fit-table.md"
echo "run directory: $OUT"
