#!/usr/bin/python3
"""Top frames of a JFR recording's execution samples (what bench/RESULTS.md quotes).

    java -jar bench/target/benchmarks.jar 'W2Bench.tensorGradient' -wi 4 -i 3 -prof jfr:dir=/tmp/jfr -prof gc
    /usr/bin/python3 bench/peers/jfr_top.py /tmp/jfr/*W2Bench.tensorGradient*/profile.jfr [depth] [rows]

depth = how many frames make a key (1: the hot line; 2: the line and its caller).
"""
import collections
import json
import subprocess
import sys

path = sys.argv[1]
depth = int(sys.argv[2]) if len(sys.argv) > 2 else 1
rows = int(sys.argv[3]) if len(sys.argv) > 3 else 15
out = subprocess.run(["jfr", "print", "--json", "--events", "jdk.ExecutionSample", path],
                     capture_output=True, text=True, check=True).stdout
counts = collections.Counter()
total = 0
for e in json.loads(out)["recording"]["events"]:
    st = e["values"].get("stackTrace") or {}
    frames = st.get("frames") or []
    key = " <- ".join(f"{f['method']['type']['name'].split('/')[-1]}.{f['method']['name']}:{f.get('lineNumber')}"
                      for f in frames[:depth])
    counts[key] += 1
    total += 1
for k, v in counts.most_common(rows):
    print(f"{100 * v / total:5.1f}%  {k}")
print(f"{total} samples")
