#!/usr/bin/env bash
# Does bf16 train as well as fp32? The foundation's CIFAR-10 recipe (standard, ResNet-18
# width 16, 15 epochs, lr 0.1 / 10 after 7 and 11, crop + flip) for each seed in fp32 and in
# bf16, each run evaluated clean and under Gaussian noise; prints a Markdown table of the runs
# and of each precision's mean and spread. Runs live in RUNS/c10-std-<precision>-s<seed>;
# finished runs are reused, interrupted ones resumed, so the script can be re-run until done.
# Usage: bench/precision_accuracy.sh DATA RUNS [SEEDS]   (SEEDS default "0 1 2")
set -euo pipefail
cd "$(dirname "$0")/.."
data=${1:?usage: bench/precision_accuracy.sh DATA RUNS [SEEDS]}
runs=${2:?usage: bench/precision_accuracy.sh DATA RUNS [SEEDS]}
seeds=${3:-"0 1 2"}
ninja -C build dign >/dev/null
mkdir -p "$runs"
for seed in $seeds; do
  for p in fp32 bf16; do
    dir="$runs/c10-std-$p-s$seed"
    if [ ! -f "$dir/metrics.json" ]; then
      if [ -f "$dir/config.json" ]; then
        build/dign train --resume "$dir" --quiet
      else
        build/dign train --data "$data" --out "$dir" --method standard --width 16 --epochs 15 \
          --lr-milestones 7,11 --augment crop,flip --seed "$seed" --precision "$p" --quiet
      fi
    fi
    [ -f "$dir/eval.json" ] || build/dign eval --model "$dir" --data "$data" --precision "$p" >/dev/null
  done
done

/usr/bin/python3 - "$runs" <<'PY'
import glob, json, os, statistics, sys
rows = {}
for f in sorted(glob.glob(os.path.join(sys.argv[1], "c10-std-*-s*/eval.json"))):
    run = os.path.basename(os.path.dirname(f))
    _, _, p, s = run.split("-")
    e = json.load(open(f))
    noise = {round(g["sigma"], 3): g["accuracy"] for g in e["gaussian_noise"]}
    rows.setdefault(p, []).append((int(s[1:]), e["clean"]["accuracy"], noise.get(0.1), noise.get(0.2),
                                   e["clean"]["ece"], json.load(open(os.path.join(os.path.dirname(f), "metrics.json")))))
print("| precision | seed | clean accuracy | sigma 0.1 | sigma 0.2 | clean ECE | train images/s |")
print("|---|---:|---:|---:|---:|---:|---:|")
for p in ("fp32", "bf16"):
    for s, clean, n1, n2, ece, m in rows.get(p, []):
        print(f"| {p} | {s} | {clean:.4f} | {n1:.4f} | {n2:.4f} | {ece:.4f} | {m['timing']['train_images_per_second']:.0f} |")
print()
print("| precision | runs | clean, mean (min-max) | sigma 0.1, mean (min-max) | sigma 0.2, mean (min-max) |")
print("|---|---:|---:|---:|---:|")
for p in ("fp32", "bf16"):
    r = rows.get(p, [])
    if not r:
        continue
    cell = lambda k: f"{statistics.mean(x[k] for x in r):.4f} ({min(x[k] for x in r):.4f}-{max(x[k] for x in r):.4f})"
    print(f"| {p} | {len(r)} | {cell(1)} | {cell(2)} | {cell(3)} |")
PY
