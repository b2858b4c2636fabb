#!/bin/bash
# alternated JVMs: threads=1 vs default at 10^4 rows, JMH mean (wall) and all-threads CPU
JAR=${JAR:-bench/target/benchmarks.jar}   # in the recorded run: the jar of main at ac2a004, before the threshold change
for round in 1 2 3; do
  for th in 1 default; do
    args=()
    [ "$th" = 1 ] && args=(-jvmArgsPrepend -Dwengert.fit.threads=1)
    nice -n -15 java -jar $JAR 'FitSpeedBench.rows' -p model=MM,POWER,LOGISTIC,EXP2,GAUSS2 -p rows=10000 -f 1 -wi 2 -w 1 -i 3 -r 1 "${args[@]}" -prof dev.wengert.bench.CpuTimeProfiler 2>&1 | grep -E "^FitSpeedBench.rows" | sed "s/^/round=$round th=$th /"
  done
done
