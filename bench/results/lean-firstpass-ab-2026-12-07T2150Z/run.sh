#!/bin/bash
# alternated JVMs, one jar: the first pass alone (FirstPassBench), lean recording on (default)
# vs off (-Dwengert.fit.lean=false); the replay at the same point as a control
JAR=${JAR:-bench/target/benchmarks.jar}   # in the recorded run: the jar of 3adea7a with FirstPassBench (committed after it)
for round in 1 2 3; do
  for lean in true false; do
    nice -n -15 java -jar $JAR 'FirstPassBench' -p rows=100000 -jvmArgsPrepend "-Dwengert.fit.lean=$lean" 2>&1 \
      | grep -E "^FirstPassBench" | sed "s/^/round=$round lean=$lean /"
  done
done
