#!/usr/bin/env bash
# A/B of two commits on the W1–W4 benchmarks (issue 18: the architecture change must leave
# their ratios unchanged). Builds each commit's benchmark jar in a scratch worktree, then runs
# the two jars alternately, round after round (old, new, old, new, …), each fork with CPU time
# per operation, and prints every round's ratios side by side (bench/peers/ab_report.py).
#
#   bench/peers/ab.sh OLD NEW [ROUNDS]        e.g. bench/peers/ab.sh 094f64f 0257064 3
#
# BENCH='regex' runs some benchmarks only (default: every W1–W4 benchmark), for example
#   BENCH='W1CompiledBench.compiledGradientInterpreted|W1Bench.primal' bench/peers/ab.sh 094f64f HEAD 8
#
# OLD_JAR=… / NEW_JAR=… use ready jars instead of building. One round is about 6 minutes on
# 2 cores (22 benchmarks, 3 × 1 s warm-up, 3 × 1 s measured, one fork each).
# Output in $OUT (default bench/target/ab-<UTC time>): old.jar, new.jar, old-N/new-N .json/.txt,
# load.txt (the load before each run), ab-table.txt.
set -euo pipefail
cd "$(dirname "$0")/../.."
OLD=${1:?usage: bench/peers/ab.sh OLD NEW [ROUNDS]}
NEW=${2:?usage: bench/peers/ab.sh OLD NEW [ROUNDS]}
ROUNDS=${3:-3}
OUT=${OUT:-bench/target/ab-$(date -u +%Y%m%dT%H%M%SZ)}
mkdir -p "$OUT"

jar_of() { # side commit [ready jar]
  if [ -n "${3:-}" ]; then
    cp "$3" "$OUT/$1.jar"
    return
  fi
  local wt
  wt=$(mktemp -d)
  git worktree add --detach "$wt" "$2" > /dev/null
  (cd "$wt" && mvn -B -ntp -q -pl dsl,bench -am package -DskipTests)
  cp "$wt/bench/target/benchmarks.jar" "$OUT/$1.jar"
  git worktree remove --force "$wt"
}
jar_of old "$OLD" "${OLD_JAR:-}"
jar_of new "$NEW" "${NEW_JAR:-}"
echo "old: $OLD, new: $NEW, $(nproc) CPUs, $(java -version 2>&1 | head -1)" > "$OUT/load.txt"

for r in $(seq 1 "$ROUNDS"); do
  for side in old new; do
    echo "round $r $side: $(uptime)" >> "$OUT/load.txt"
    java -jar "$OUT/$side.jar" "${BENCH:-dev.wengert.bench.W[1-4]}" -f 1 -wi 3 -i 3 -w 1 -r 1 \
      -prof dev.wengert.bench.CpuTimeProfiler -rf json -rff "$OUT/$side-$r.json" > "$OUT/$side-$r.txt" 2>&1
  done
done
echo "end: $(uptime)" >> "$OUT/load.txt"
/usr/bin/python3 bench/peers/ab_report.py "$OUT" | tee "$OUT/ab-table.txt"
