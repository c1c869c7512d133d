#!/usr/bin/python3
"""Oracle test of dign's AugMix operations (src/augment/augmix_ops.h) against Pillow.

AugMix (google-research/augmix, augmentations.py) runs its operations on Pillow images. This
runs tests/augment/augmix_oracle_dump.cpp, which writes test images and what dign's operations
make of them as .npy, recomputes every case with Pillow, called as augmentations.py calls it
(ImageOps.autocontrast / equalize / posterize / solarize, Image.rotate and Image.transform with
AFFINE and BILINEAR, ImageEnhance.Color / Contrast / Brightness / Sharpness), and compares:

  * the lookup-table operations (autocontrast, equalize, posterize, solarize): every byte equal;
  * the geometric (rotate, shear_x/_y, translate_x/_y) and enhance operations (color, contrast,
    brightness, sharpness): every byte within 1 level; the share of equal bytes is printed;
  * the parameters sample_op_parameter draws: recomputed from the same two uniforms with
    augmentations.py's formulas (sample_level = np.random.uniform(0.1, severity), which NumPy
    computes as 0.1 + (severity - 0.1) u; int_parameter, float_parameter; negated when the
    second uniform is > 0.5), every value equal.

Prints a table, then one line: 'augmix_oracle: N passed, 0 failed' (exit 0), or the failures
(exit 1). Run by ctest as `augmix_oracle`; by hand:

  /usr/bin/python3 tests/augment/oracle/augmix_oracle.py \\
      --dump build/tests/augmix_oracle_dump --work /tmp/augmix_oracle

Needs Debian's python3-numpy and python3-pil; a missing one is a failure, not a skip.
"""
import argparse
import importlib
import os
import shutil
import subprocess
import sys
import time
import warnings

REQUIRED = [("numpy", "python3-numpy"), ("PIL.Image", "python3-pil")]


def require_modules():
    missing = []
    for module, package in REQUIRED:
        try:
            importlib.import_module(module)
        except Exception as error:
            missing.append(f"{module} (Debian package {package}: {type(error).__name__}: {error})")
    if missing:
        print("augmix_oracle: FAILED: missing Python module(s) for " + sys.executable + ": " +
              "; ".join(missing))
        sys.exit(1)


require_modules()

import numpy as np  # noqa: E402
import PIL  # noqa: E402
from PIL import Image, ImageEnhance, ImageOps  # noqa: E402

LUT_OPS = ["autocontrast", "equalize", "posterize", "solarize"]
GEOMETRIC_OPS = ["rotate", "shear_x", "shear_y", "translate_x", "translate_y"]
ENHANCE_OPS = ["color", "contrast", "brightness", "sharpness"]
OPS = LUT_OPS + GEOMETRIC_OPS + ENHANCE_OPS
SIGNED = {"rotate", "shear_x", "shear_y", "translate_x", "translate_y"}
SIZES = (32, 64)


def as_python_number(p):
    """AugMix passes ints for the integer parameters (bits, thresholds, degrees, pixels)."""
    p = float(p)
    return int(p) if p.is_integer() else p


def pillow(name, image, p):
    """augmentations.py's call of Pillow for `name` with parameter p, on an RGB uint8 array."""
    img = Image.fromarray(image, "RGB")
    size = img.size
    v = as_python_number(p)
    bilinear = Image.BILINEAR
    if name == "autocontrast":
        out = ImageOps.autocontrast(img)
    elif name == "equalize":
        out = ImageOps.equalize(img)
    elif name == "posterize":
        out = ImageOps.posterize(img, int(p))
    elif name == "solarize":
        out = ImageOps.solarize(img, v)
    elif name == "rotate":
        out = img.rotate(v, resample=bilinear)
    elif name == "shear_x":
        out = img.transform(size, Image.AFFINE, (1, v, 0, 0, 1, 0), resample=bilinear)
    elif name == "shear_y":
        out = img.transform(size, Image.AFFINE, (1, 0, 0, v, 1, 0), resample=bilinear)
    elif name == "translate_x":
        out = img.transform(size, Image.AFFINE, (1, 0, v, 0, 1, 0), resample=bilinear)
    elif name == "translate_y":
        out = img.transform(size, Image.AFFINE, (1, 0, 0, 0, 1, v), resample=bilinear)
    elif name == "color":
        out = ImageEnhance.Color(img).enhance(p)
    elif name == "contrast":
        out = ImageEnhance.Contrast(img).enhance(p)
    elif name == "brightness":
        out = ImageEnhance.Brightness(img).enhance(p)
    elif name == "sharpness":
        out = ImageEnhance.Sharpness(img).enhance(p)
    else:
        raise ValueError(name)
    assert out.mode == "RGB" and out.size == size
    return np.asarray(out)


# augmentations.py's helpers, as written there.
def int_parameter(level, maxval):
    return int(level * maxval / 10)


def float_parameter(level, maxval):
    return float(level) * maxval / 10.


def augmix_parameter(name, severity, image_size, u1, u2):
    level = 0.1 + (severity - 0.1) * u1  # np.random.uniform(low=0.1, high=severity)
    if name in ("autocontrast", "equalize"):
        return 0.0
    if name == "posterize":
        value = 4 - int_parameter(level, 4)
    elif name == "solarize":
        value = 256 - int_parameter(level, 256)
    elif name == "rotate":
        value = int_parameter(level, 30)
    elif name in ("shear_x", "shear_y"):
        value = float_parameter(level, 0.3)
    elif name in ("translate_x", "translate_y"):
        value = int_parameter(level, image_size / 3)
    else:
        value = float_parameter(level, 1.8) + 0.1
    if name in SIGNED and u2 > 0.5:
        value = -value
    return float(value)


class Report:
    def __init__(self):
        self.rows = []

    def add(self, name, size, check, cases, result, limit, ok, note=""):
        self.rows.append(dict(name=name, size=str(size), check=check, cases=str(cases),
                              result=result, limit=limit, ok=ok, note=note))

    def print(self):
        header = ("op", "size", "check", "cases", "result", "limit", "ok", "note")
        keys = ("name", "size", "check", "cases", "result", "limit")
        lines = [[r[k] for k in keys] + ["ok" if r["ok"] else "FAIL", r["note"]]
                 for r in self.rows]
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
        for line in lines:
            print("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())

    def failures(self):
        return [r for r in self.rows if not r["ok"]]


def check_outputs(report, name, size, images, params, ours):
    oracle = np.stack([np.stack([pillow(name, img, p) for img in images]) for p in params])
    diff = np.abs(ours.astype(np.int16) - oracle.astype(np.int16))
    exact = float((diff == 0).mean())
    worst = int(diff.max())
    where = ""
    if worst > 0:
        p, n = np.unravel_index(int(diff.reshape(len(params), len(images), -1).max(axis=2)
                                    .argmax()), diff.shape[:2])
        where = f"; worst: parameter {params[p]!r}, image {n}"
    cases = f"{len(params)}x{len(images)}"
    if name in LUT_OPS:
        report.add(name, size, "bytes equal", cases, f"max diff {worst}", "exact", worst == 0,
                   f"exact {exact:.6f}{where}")
    else:
        report.add(name, size, "bytes within 1", cases, f"max diff {worst}", "<= 1", worst <= 1,
                   f"exact {exact:.6f}{where}")


def check_draws(report, name, draws):
    bad = []
    for severity, image_size, u1, u2, ours in draws:
        expected = augmix_parameter(name, severity, int(image_size), u1, u2)
        if ours != expected:
            bad.append((severity, int(image_size), ours, expected))
    note = (f"first: severity {bad[0][0]:g}, size {bad[0][1]}: ours {bad[0][2]!r}, "
            f"augmentations.py {bad[0][3]!r}") if bad else \
        f"values {np.min(draws[:, 4]):g}..{np.max(draws[:, 4]):g}"
    report.add(name, "32,64", "parameter draws equal", len(draws), f"{len(bad)} differ", "0",
               not bad, note)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", required=True, help="the augmix_oracle_dump executable")
    parser.add_argument("--work", required=True, help="a scratch directory (emptied first)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--keep", action="store_true", help="keep the .npy files")
    args = parser.parse_args()

    print(f"oracle: Python {sys.version.split()[0]}, numpy {np.__version__}, "
          f"Pillow {PIL.__version__}")
    start = time.time()
    shutil.rmtree(args.work, ignore_errors=True)
    dumped = subprocess.run([args.dump, "--out", args.work, "--seed", str(args.seed)],
                            capture_output=True, text=True)
    if dumped.returncode != 0:
        lines = [line for line in (dumped.stderr + dumped.stdout).splitlines() if line.strip()]
        print("\n".join(lines))
        print(f"augmix_oracle: FAILED: {args.dump} exited with {dumped.returncode}: "
              f"{lines[-1] if lines else 'no output'}")
        return 1
    warnings.simplefilter("ignore")
    load = lambda name: np.load(os.path.join(args.work, name + ".npy"))  # noqa: E731

    report = Report()
    images = {size: load(f"images_{size}") for size in SIZES}
    for name in OPS:
        params = [float(p) for p in load(f"{name}_params")]
        for size in SIZES:
            check_outputs(report, name, size, images[size], params, load(f"{name}_{size}"))
        check_draws(report, name, load(f"{name}_draws"))
    report.print()
    failures = report.failures()
    print(f"augmix_oracle: {time.time() - start:.1f} s")
    print(f"augmix_oracle: {len(report.rows) - len(failures)} passed, {len(failures)} failed")
    if failures:
        print(f"augmix_oracle: the .npy files are kept in {args.work}")
        worst = failures[0]
        print(f"augmix_oracle: FAILED: {worst['name']} {worst['size']}: {worst['check']}: "
              f"{worst['result']} (limit {worst['limit']}; {worst['note']})"
              + (f" and {len(failures) - 1} more" if len(failures) > 1 else ""))
        return 1
    if not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
