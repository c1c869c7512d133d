#!/usr/bin/env bash
# Training step speed of every method, all in one run on this machine: `dign bench train` at
# ResNet-18 width W (default 16), batch 128, bf16 where the CPU has it (the default precision),
# and the batch loader's images/s with and without AugMix's and AugMax's views, which must stay
# well ahead of those methods' steps. Writes build/bench/methods/*.json and prints a Markdown
# table (also methods.md there).
# Usage: bench/methods.sh [WIDTH] (ITERS sets the timed steps, default 10)
set -euo pipefail
cd "$(dirname "$0")/.."
width=${1:-16}
iters=${ITERS:-10}
out=build/bench/methods
mkdir -p "$out"
rm -f "$out"/*.json
ninja -C build dign loader_bench >/dev/null
methods=$(build/dign train --help | sed -n 's/.*--method TEXT:{\([^}]*\)}.*/\1/p' | tr ',' ' ')
[ -n "$methods" ] || methods="standard dign gn rse augmix dign-augmix augmax deepaugment at trades"
for m in $methods; do
  echo "$m..." >&2
  build/dign bench train --method "$m" --width "$width" --batch-size 128 --iters "$iters" \
    --warmup-iters 2 --quiet --json "$out/$m.json"
done
echo "loader..." >&2
build/bench/loader_bench --benchmark_filter='crop_flip' --benchmark_out="$out/loader.json" \
  --benchmark_out_format=json >/dev/null

/usr/bin/python3 - "$out" $methods <<'PY' | tee "$out/methods.md"
import json, os, sys
out, methods = sys.argv[1], sys.argv[2:]
runs = {m: json.load(open(os.path.join(out, f"{m}.json"))) for m in methods}
first = runs[methods[0]]
print(f"CPU: {first['cpu']}, {first['threads']} threads, {first['precision']}, LibTorch "
      f"{first['libtorch_version']}, dign {first['dign_version']}; ResNet-18 width "
      f"{first['model']['width']}, batch {first['batch_size']}\n")
print("| method | images/s | GFLOP per image (step) | GFLOP/s | vs standard |")
print("|---|---:|---:|---:|---:|")
base = runs.get("standard", first)["images_per_second"]
for m, r in runs.items():
    print(f"| {m} | {r['images_per_second']:.0f} | {r['step_flops_per_image'] / 1e9:.2f} | "
          f"{r['gflops_per_second']:.0f} | {r['images_per_second'] / base:.2f}x |")
loader = {b["name"].removesuffix("/real_time").replace("loader/", ""): b["items_per_second"]
          for b in json.load(open(os.path.join(out, "loader.json")))["benchmarks"]}
print("\nBatch loader (32x32, batch 128, crop + flip), images/s by loader threads:\n")
for k, v in loader.items():
    print(f"- {k}: {v:,.0f}")
for m, row in (("augmix", "augmix"), ("dign-augmix", "augmix"), ("augmax", "augmax")):
    rows = [v for k, v in loader.items() if k.startswith("crop_flip_" + row)]
    if m in runs and rows:
        print(f"\nLoader with {m}'s views ({row} rows) against the {m} step: "
              f"{max(rows) / runs[m]['images_per_second']:.0f}x (target at least 3x)")
PY
