#!/bin/bash
# alternated JVMs, one model each: FitHarness firstpass (best CPU of the last 15 of 30 first
# passes of 10^5 rows, one thread), lean recording on (default) vs off
JAR=${JAR:-bench/target/benchmarks.jar}   # in the recorded run: the jar of 3adea7a with FirstPassBench (committed after it)
for round in 1 2 3 4; do
  for m in MM POWER LOGISTIC EXP2 GAUSS2; do
    for lean in true false; do
      echo -n "round=$round lean=$lean "
      nice -n -15 java -Xms2g -Xmx2g -XX:+AlwaysPreTouch -Dwengert.fit.threads=1 -Dwengert.fit.lean=$lean \
        -cp $JAR dev.wengert.bench.FitHarness firstpass $m 100000 30 2>&1 | tail -1
    done
  done
done
