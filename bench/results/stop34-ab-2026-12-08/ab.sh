#!/bin/bash
# usage: ab.sh ROUNDS JAR_A JAR_B "MODEL:ROWS:REPS ..." [job]
# alternates two jars, one JVM per run, best CPU of the calling thread (FitHarness)
rounds=$1; a=$2; b=$3; cells=$4; job=${5:-rows}
for round in $(seq 1 $rounds); do
  for cell in $cells; do
    IFS=: read m rows reps <<< "$cell"
    for jar in $a $b; do
      printf "%s %s " $round $(basename $jar .jar)
      nice -n -15 java -Xms3g -Xmx3g -XX:+AlwaysPreTouch ${THREADS:+-Dwengert.fit.threads=$THREADS} $JOPTS -cp $jar dev.wengert.bench.FitHarness $job $m $rows $reps
    done
  done
done
