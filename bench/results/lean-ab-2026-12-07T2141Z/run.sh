#!/bin/bash
# alternated JVMs, one jar: the lean first pass on (default) vs off (-Dwengert.fit.lean=false),
# whole fits (FitSpeedBench.rows), one thread, JMH mean (wall) and this JVM's CPU
JAR=${JAR:-bench/target/benchmarks.jar}   # in the recorded run: the jar of 3adea7a
for round in 1 2 3; do
  for rows in 10000 100000; do
    for lean in true false; do
      nice -n -15 java -jar $JAR 'FitSpeedBench.rows' -p model=MM,POWER,LOGISTIC,EXP2,GAUSS2 -p rows=$rows -f 1 -wi 2 -w 1 -i 3 -r 1 \
        -jvmArgsPrepend "-Dwengert.fit.threads=1 -Dwengert.fit.lean=$lean" -prof dev.wengert.bench.CpuTimeProfiler 2>&1 \
        | grep -E "^FitSpeedBench.rows" | sed "s/^/round=$round lean=$lean /"
    done
  done
done
