#!/bin/bash
# ratio.sh from ab-ba-ode-2026-12-07T1150Z, also keeping the settled line (how many loops the verdict kept)
N=${N:-3}
for i in $(seq 1 $N); do
  for spec in "$@"; do
    label=${spec%%=*}; jar=${spec#*=}
    out=$(java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp $jar:. dev.wengert.bench.BaRatio ${WL:-ba.scalar} ${PAIRS:-30} 2>&1)
    r=$(echo "$out" | grep RATIO)
    s=$(echo "$out" | grep -o "[0-9]* loops run as generated code ([0-9]* operations, [0-9]* generated methods)[^(]*" | head -1)
    echo "$label $(date +%H:%M:%S) load=$(cut -d' ' -f1 /proc/loadavg) $r | $s"
  done
done
