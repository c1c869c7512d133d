#!/usr/bin/env bash
# Images per second of every corruption and severity, one thread: 32x32 (CIFAR table) at every
# severity, 64x64 (Tiny-ImageNet table) at severity 3, 224x224 (ImageNet table) at every severity;
# as a table and as JSON in build/bench/corrupt_bench.json. Usage: bench/corrupt.sh [FILTER]
# (a Google Benchmark regex: `bench/corrupt.sh imagenet/` for the 224 px table only).
set -euo pipefail
cd "$(dirname "$0")/.."
ninja -C build corrupt_bench >/dev/null
out=build/bench/corrupt_bench.json
build/bench/corrupt_bench --benchmark_filter="${1:-.}" --benchmark_min_time=0.2 \
  --benchmark_out="$out" --benchmark_out_format=json >/dev/null
/usr/bin/python3 - "$out" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
context = data["context"]
print(f"# {context.get('host_name', '?')}: {context.get('num_cpus', '?')} CPUs at "
      f"{context.get('mhz_per_cpu', '?')} MHz; {context.get('date', '')}")
rows = {}
for b in data["benchmarks"]:
    name, sev = b["name"].rsplit("/", 1)
    rows.setdefault(name, {})[int(sev)] = b["items_per_second"]
print(f"{'corruption':28} " + " ".join(f"{'sev ' + str(s):>9}" for s in range(1, 6)) + "   (images/s, 1 thread)")
for name, by in rows.items():
    print(f"{name:28} " + " ".join(f"{by[s]:9.0f}" if s in by else f"{'':9}" for s in range(1, 6)))
PY
