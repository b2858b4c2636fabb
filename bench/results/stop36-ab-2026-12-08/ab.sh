#!/bin/bash
# usage: ab.sh JOB MODEL ROWS REPS ROUNDS ; compares /work/ab/base.jar and /work/main/bench/target/benchmarks.jar
JOB=$1; M=$2; R=$3; N=$4; K=${5:-3}
for k in $(seq $K); do
  for side in base new; do
    jar=${BASE_JAR:-/work/ab/base.jar}; [ $side = new ] && jar=/work/main/bench/target/benchmarks.jar
    t=$(java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -Dwengert.fit.threads=1 -cp $jar dev.wengert.bench.FitHarness $JOB $M $R $N 2>&1 | tail -1 | sed -E 's/.*rows: ([0-9.]+) ms.*/\1/')
    echo "$side $JOB $M $R round$k $t"
  done
done
