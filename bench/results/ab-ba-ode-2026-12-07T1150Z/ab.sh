#!/bin/bash
# alternate jars, one JVM each, BaHarness (CPU time per call); args: label=jar ...
N=${N:-6}
for i in $(seq 1 $N); do
  for spec in "$@"; do
    label=${spec%%=*}; jar=${spec#*=}
    r=$(java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp $jar:. BaHarness ${WL:-ba.scalar} ${WHAT:-derivative} 3 5 2>&1 | grep RESULT)
    echo "$label $(date +%H:%M:%S) load=$(cut -d' ' -f1 /proc/loadavg) $r"
  done
done
