#!/bin/bash
# alternated JVMs: NaryFirstPass (binary and n-ary forms of one quadratic, 10^5 rows, best CPU of
# the last 15 of 30 first passes) on the jar before n-ary matching (OLD: the full fit run's jar of
# 524427a, with NaryFirstPass's class from CLASSES added, as it was written after) and after (NEW)
OLD=${OLD:?jar of 524427a}; NEW=${NEW:-bench/target/benchmarks.jar}; CLASSES=${CLASSES:?NaryFirstPass compiled}
for round in 1 2 3; do
  for jar in OLD NEW; do
    for form in binary nary; do
      echo -n "round=$round jar=$jar "
      nice -n -15 java -Xms2g -Xmx2g -Dwengert.fit.threads=1 -cp "${!jar}:$CLASSES" dev.wengert.bench.NaryFirstPass $form
    done
  done
done
