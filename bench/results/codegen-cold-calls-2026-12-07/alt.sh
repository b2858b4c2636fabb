#!/bin/bash
# alternating cold runs: jar x mode x workload, REPS times
cd /tmp/cg2
REPS=${REPS:-5}
for r in $(seq $REPS); do
  for w in llsq.scalar lse.scalar; do
    for j in before after; do
      for m in on off; do
        P=""; [ $m = off ] && P=-Dwengert.codegen=off
        echo -n "$j $m r$r "
        java -Xms3g -Xmx3g -XX:+AlwaysPreTouch $P -cp classes:jars/$j.jar dev.wengert.bench.ColdRun $w 500
      done
    done
  done
done
