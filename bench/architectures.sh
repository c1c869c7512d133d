#!/usr/bin/env bash
# Training step speed of every architecture, all in one run on this machine: `dign bench train`
# with the standard and DiGN objectives at the paper's widths (ResNet-18 64, WRN-18 5x,
# DenseNet-121 growth 12, ResNet-50 at 224 px) and at the narrow widths the CPU recipe trains
# (ResNet-18 16, WRN-18 0.3125x, DenseNet-121 growth 12). bf16 where the CPU has it (the
# default precision). Writes build/bench/architectures/*.json and prints a Markdown table (also
# architectures.md there). Usage: bench/architectures.sh (ITERS sets the timed steps, default 5)
set -euo pipefail
cd "$(dirname "$0")/.."
iters=${ITERS:-5}
out=build/bench/architectures
mkdir -p "$out"
rm -f "$out"/*.json
ninja -C build dign >/dev/null
# name | batch | image size | architecture flags
configs=(
  "resnet18-w16|128|32|--arch resnet18 --width 16"
  "resnet18-w64|128|32|--arch resnet18 --width 64"
  "wrn18-x0.3125|128|32|--arch wrn18 --width-multiplier 0.3125"
  "wrn18-x5|32|32|--arch wrn18"
  "densenet121-k12|128|32|--arch densenet121 --growth-rate 12"
  "densenet121-k32|64|32|--arch densenet121 --growth-rate 32"
  "resnet50-224|16|224|--arch resnet50"
)
for c in "${configs[@]}"; do
  IFS='|' read -r name batch size flags <<<"$c"
  for m in standard dign; do
    echo "$name $m..." >&2
    # shellcheck disable=SC2086
    build/dign bench train --method "$m" $flags --batch-size "$batch" --image-size "$size" \
      --iters "$iters" --warmup-iters 1 --quiet --json "$out/$name.$m.json"
  done
done

/usr/bin/python3 - "$out" "${configs[@]}" <<'PY' | tee "$out/architectures.md"
import json, os, sys
out, configs = sys.argv[1], [c.split("|") for c in sys.argv[2:]]
first = json.load(open(os.path.join(out, f"{configs[0][0]}.standard.json")))
print(f"CPU: {first['cpu']}, {first['threads']} threads, {first['precision']}, LibTorch "
      f"{first['libtorch_version']}, dign {first['dign_version']}\n")
print("| model | parameters | batch | px | standard images/s | dign images/s | GFLOP per image "
      "(standard step) | GFLOP/s (standard) | dign / standard |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
for name, batch, size, _ in configs:
    s = json.load(open(os.path.join(out, f"{name}.standard.json")))
    d = json.load(open(os.path.join(out, f"{name}.dign.json")))
    print(f"| {name} | {s['parameters']:,} | {batch} | {size} | {s['images_per_second']:.1f} | "
          f"{d['images_per_second']:.1f} | {s['step_flops_per_image'] / 1e9:.2f} | "
          f"{s['gflops_per_second']:.0f} | {d['images_per_second'] / s['images_per_second']:.2f}x |")
PY
