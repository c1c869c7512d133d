#!/usr/bin/env bash
# Images per second of every corruption and severity (one thread, 32x32; 64x64 at severity 3),
# as a table and as JSON in build/bench/corrupt_bench.json. Usage: bench/corrupt.sh [FILTER]
set -euo pipefail
cd "$(dirname "$0")/.."
ninja -C build corrupt_bench >/dev/null
out=build/bench/corrupt_bench.json
build/bench/corrupt_bench --benchmark_filter="${1:-.}" --benchmark_min_time=0.2 \
  --benchmark_out="$out" --benchmark_out_format=json >/dev/null
/usr/bin/python3 - "$out" <<'PY'
import json, sys
rows = {}
for b in json.load(open(sys.argv[1]))["benchmarks"]:
    name, sev = b["name"].rsplit("/", 1)
    rows.setdefault(name, {})[int(sev)] = b["items_per_second"]
print(f"{'corruption':28} " + " ".join(f"{'sev ' + str(s):>9}" for s in range(1, 6)) + "   (images/s, 1 thread)")
for name, by in rows.items():
    print(f"{name:28} " + " ".join(f"{by[s]:9.0f}" if s in by else f"{'':9}" for s in range(1, 6)))
PY
