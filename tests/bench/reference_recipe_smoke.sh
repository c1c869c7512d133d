#!/usr/bin/env bash
# bench/reference_recipe.py must not break unnoticed: its metric code against a hand-computed
# case, then the whole script (train, evaluate the noise set of a `dign corrupt` directory) on a
# tiny random ImageFolder with a tiny model. Usage: reference_recipe_smoke.sh PYTHON DIGN WORKDIR
set -euo pipefail
python=$1 dign=$2 work=$3
bench=$(cd "$(dirname "$0")/../../bench" && pwd)
rm -rf "$work" && mkdir -p "$work"

# Confidences 0.9, 0.9 (one right), 0.3 (right), 0.0 (wrong) in 16 bins:
# RMSE = sqrt(0.5 * 0.4^2 + 0.25 * 0.7^2) = 0.45, ECE = 0.5 * 0.4 + 0.25 * 0.7 = 0.375,
# OE = 0.5 * 0.9 * 0.4 = 0.18.
PYTHONPATH="$bench" "$python" - <<'PY'
import numpy as np
from reference_recipe import Calibration
m = Calibration()
m.add(np.array([0.9, 0.9, 0.3, 0.0]), np.array([1, 0, 1, 0]))
v = m.value()
for key, want in [("rmse", 0.45), ("ece", 0.375), ("oe", 0.18), ("accuracy", 0.5)]:
    assert abs(v[key] - want) < 1e-12, (key, v[key], want)
PY

"$python" - "$work/folder" <<'PY'
import os, sys
import numpy as np
from PIL import Image
rng = np.random.default_rng(0)
for split, n in [("train", 12), ("test", 6)]:
    for name in ["a", "b"]:
        os.makedirs(os.path.join(sys.argv[1], split, name))
        for i in range(n):
            pixels = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
            Image.fromarray(pixels).save(os.path.join(sys.argv[1], split, name, f"{i}.png"))
PY
"$dign" corrupt --data "$work/folder" --out "$work/c" --severities 1,2 --threads 1 \
  --corruptions shot_noise,impulse_noise,speckle_noise >/dev/null
"$python" "$bench/reference_recipe.py" --data "$work/folder" --corrupted "$work/c" --epochs 2 \
  --milestones 1 --width 2 --threads 1 --json "$work/result.json"
"$python" -c "import json, sys; r = json.load(open(sys.argv[1])); \
assert r['noise_pooled']['count'] == 3 * 2 * 12, r['noise_pooled']; \
assert len(r['corrupted']['shot_noise']) == 2" "$work/result.json"
