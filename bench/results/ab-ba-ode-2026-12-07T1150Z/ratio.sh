#!/bin/bash
# alternate jars, one JVM each: BaRatio; args: label=jar ...; N rounds, WL workload
N=${N:-3}
for i in $(seq 1 $N); do
  for spec in "$@"; do
    label=${spec%%=*}; jar=${spec#*=}
    r=$(java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp $jar:. dev.wengert.bench.BaRatio ${WL:-ba.scalar} ${PAIRS:-30} 2>&1 | grep RATIO)
    echo "$label $(date +%H:%M:%S) load=$(cut -d' ' -f1 /proc/loadavg) $r"
  done
done
