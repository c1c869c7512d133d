#!/usr/bin/env bash
# Training speed, all in one run on this machine (docs/performance.md):
#   - the convolution and GEMM peak at ResNet-18's layer shapes (kernels_bench);
#   - `dign bench train` for standard and DiGN (n = 1, 3; and n = 3 with the views
#     concatenated) on ResNet-18 widths 16 and 64, fp32 and bf16, batch 128;
#   - the same DiGN (n = 3) step in PyTorch from Python (bench/train_peer.py) as the
#     paper's code does it, in bf16 channels-last, and with the views concatenated;
#   - the batch loader's images/s (loader_bench).
# Writes build/bench/train/*.json and prints a Markdown report (also train.md there).
# Usage: bench/train.sh [WIDTHS]   (default "16 64"; ITERS16 / ITERS64 set the timed steps)
set -euo pipefail
cd "$(dirname "$0")/.."
widths=${1:-"16 64"}
out=build/bench/train
mkdir -p "$out"
rm -f "$out"/*.json
ninja -C build dign kernels_bench loader_bench >/dev/null
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
  echo "bench/train.sh: the Python peer needs Debian's python3-torch (apt-get install python3-torch)" >&2
  exit 1
fi

echo "kernels..." >&2
build/bench/kernels_bench --benchmark_filter='conv/.*/fwd/|gemm' \
  --benchmark_min_time=0.5 --benchmark_out="$out/kernels.json" --benchmark_out_format=json >/dev/null
echo "loader..." >&2
build/bench/loader_bench --benchmark_out="$out/loader.json" --benchmark_out_format=json >/dev/null

for w in $widths; do
  iters_var="ITERS$w"
  iters=${!iters_var:-$([ "$w" -le 16 ] && echo 20 || echo 6)}
  common=(--width "$w" --batch-size 128 --iters "$iters" --warmup-iters 2)
  for p in fp32 bf16; do
    for m in "standard" "dign 1" "dign 3"; do
      set -- $m
      tag="dign-w$w-$p-${1}${2:+-n$2}"
      echo "$tag..." >&2
      build/dign bench train --method "$1" ${2:+--samples "$2"} --precision "$p" "${common[@]}" \
        --json "$out/$tag.json" >/dev/null
    done
  done
  echo "dign-w$w-bf16-dign-n3-concat..." >&2
  build/dign bench train --method dign --samples 3 --precision bf16 --concat-views "${common[@]}" \
    --json "$out/dign-w$w-bf16-dign-n3-concat.json" >/dev/null
  # The peer gets the thread count dign chose (affinity and cgroup quota).
  threads=$(/usr/bin/python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["threads"])' \
    "$out/dign-w$w-bf16-dign-n3.json")
  for c in paper bf16 concat; do
    echo "peer-w$w-$c..." >&2
    /usr/bin/python3 bench/train_peer.py --config "$c" --method dign --samples 3 "${common[@]}" \
      --threads "$threads" \
      --json "$out/peer-w$w-$c.json" >/dev/null
  done
done

/usr/bin/python3 - "$out" "$widths" <<'PY' | tee "$out/train.md"
import glob, json, os, sys
out, widths = sys.argv[1], [int(w) for w in sys.argv[2].split()]
load = lambda name: json.load(open(os.path.join(out, name)))
kernels = load("kernels.json")
name = lambda b: b["name"].removesuffix("/real_time")
rate = {name(b): b["FLOP/s"] for b in kernels["benchmarks"]}
ctx = kernels["context"]
any_run = load(sorted(glob.glob(os.path.join(out, "dign-*.json")))[0].split("/")[-1])
print(f"CPU: {any_run['cpu']}, {any_run['threads']} threads, LibTorch {any_run['libtorch_version']},"
      f" dign {any_run['dign_version']}\n")

print("### Convolution peak (3x3, batch 128, forward), TFLOP/s\n")
print("| shape | fp32 NCHW | fp32 channels-last | bf16 NCHW | bf16 channels-last | GEMM fp32 | GEMM bf16 |")
print("|---|---:|---:|---:|---:|---:|---:|")
shapes = sorted({n.split("/")[-1] for n in rate if n.startswith("conv/")},
                key=lambda s: (int(s.split("x")[-1]) * -1, int(s.split("ch")[0])))
for s in shapes:
    cells = [rate.get(f"conv/{d}/{l}/fwd/{s}") for d in ("fp32", "bf16") for l in ("nchw", "channels_last")]
    cells += [rate.get(f"gemm/{d}/{s}") for d in ("fp32", "bf16")]
    print(f"| {s} | " + " | ".join(f"{c / 1e12:.3f}" if c else "" for c in cells) + " |")
peak = {d: max(v for k, v in rate.items() if k.startswith(f"conv/{d}/") and "/fwd/" in k)
        for d in ("fp32", "bf16")}
print(f"\nPeak: fp32 {peak['fp32'] / 1e12:.3f}, bf16 {peak['bf16'] / 1e12:.3f} TFLOP/s.\n")

loader = {name(b): b["items_per_second"] for b in load("loader.json")["benchmarks"]}
print("### Batch loader (32x32, batch 128), images/s\n")
for k, v in loader.items():
    print(f"- {k.replace('loader/', '')}: {v:,.0f}")
print()

for w in widths:
    ours = {os.path.basename(f)[len(f"dign-w{w}-"):-5]: json.load(open(f))
            for f in glob.glob(os.path.join(out, f"dign-w{w}-*.json"))}
    peers = {c: load(f"peer-w{w}-{c}.json")["images_per_second"] for c in ("paper", "bf16", "concat")}
    best_peer = max(peers.values())
    print(f"### ResNet-18 width {w}, batch 128: training images/s\n")
    print("| step | fp32 | bf16 | bf16 GFLOP/s | bf16 share of bf16 conv peak |")
    print("|---|---:|---:|---:|---:|")
    for m in ("standard", "dign-n1", "dign-n3", "dign-n3-concat"):
        f, b = ours.get(f"fp32-{m}"), ours.get(f"bf16-{m}")
        cell = lambda r: f"{r['images_per_second']:.1f}" if r else ""
        share = f"{b['gflops_per_second'] * 1e9 / peak['bf16']:.0%}" if b else ""
        print(f"| dign {m} | {cell(f)} | {cell(b)} | {b['gflops_per_second']:.0f} | {share} |" if b else
              f"| dign {m} | {cell(f)} | | | |")
    print()
    d3 = max(ours["bf16-dign-n3"]["images_per_second"], ours["fp32-dign-n3"]["images_per_second"])
    names = {"paper": "fp32, NCHW, a forward per view (the paper's code)",
             "bf16": "bf16 autocast, channels-last, a forward per view",
             "concat": "bf16 autocast, channels-last, views concatenated"}
    print(f"PyTorch from Python, DiGN n = 3, and dign's best DiGN n = 3 default-view step ({d3:.1f} images/s) against it:\n")
    print("| Python configuration | images/s | dign / Python |")
    print("|---|---:|---:|")
    for c, v in peers.items():
        print(f"| {names[c]} | {v:.1f} | {d3 / v:.2f}x |")
    print(f"\nAgainst the fastest Python configuration: **{d3 / best_peer:.2f}x**"
          f" (target {'1.5' if w <= 16 else '1.2'}x).\n")
PY
