#!/usr/bin/python3
"""Oracle test of dign's corruptions (src/corrupt) against the published algorithms.

An independent implementation of the CIFAR-10-C / Tiny-ImageNet-C / ImageNet-C corruptions of
Hendrycks & Dietterich (2019), written from their description (shared/reference/corruptions.md,
corruptions-imagenet-c.md) with the libraries the original generator called: numpy, scipy, scikit-image, OpenCV, Pillow and
ImageMagick through Wand. It runs tests/corrupt/oracle_dump.cpp, which writes test images and
dign's corruptions of them as .npy, recomputes them here and compares:

  * deterministic corruptions (brightness, contrast, saturate, pixelate, JPEG, defocus, gaussian
    and zoom blur), and the random ones given the same draws: the fraction of pixels whose three
    channels all lie within 1 intensity level. "Given the same draws": the dump replays the
    standard uniforms and normals each of our outputs used (motion blur's angle, snow's flake
    layer and angle, spatter's liquid layer, fog's plasma noise, elastic's affine jitter and
    displacement noise), and the oracle maps them to the published distributions with its own
    parameters; frost's integer draws (overlay, crop) are recovered by search instead; and
    ImageMagick's blur is also run at fixed angles;
  * random corruptions whose draws cannot be replayed (gaussian, shot, impulse and speckle
    noise, glass blur): per-severity statistics of our outputs and the oracle's on the same
    images, relative difference against a fixed tolerance, with the standard error of that
    difference printed; and the distribution of frost's recovered draws;
  * the ImageNet evaluation crop the 224 px table expects (torchvision's Resize(256) +
    CenterCrop(224) with Pillow's bilinear filter) on images of several shapes.

Prints a table, then one line: 'corrupt_oracle: N passed, 0 failed' (exit 0), or the failures
and a one-line reason (exit 1). Run by ctest as `corrupt_oracle`; by hand:

  /usr/bin/python3 tests/corrupt/oracle/corruptions_oracle.py \\
      --dump build/tests/corrupt_oracle_dump --work /tmp/corrupt_oracle

Options: --seed S (both sides), --frost-dir DIR (the five original frost photographs: adds
informational rows comparing dign's procedural frost with the real one), --keep (keep the .npy,
as happens anyway on failure), --markdown FILE (the summary table of docs/corruptions.md).
Needs Debian's python3-numpy python3-scipy python3-skimage python3-opencv python3-pil
python3-wand (and libmagickwand-6.q16-6); a missing one is a failure, not a skip.
"""
import argparse
import ctypes
import importlib
import io
import os
import shutil
import subprocess
import sys
import time
import warnings

# Before Wand loads ImageMagick and before OpenCV starts: one thread each (the test shares two
# cores with the rest of ctest, and threads change nothing in the results).
os.environ.setdefault("MAGICK_THREAD_LIMIT", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

REQUIRED = [("numpy", "python3-numpy"), ("scipy.ndimage", "python3-scipy"),
            ("skimage.filters", "python3-skimage"), ("cv2", "python3-opencv"),
            ("PIL.Image", "python3-pil"),
            ("wand.image", "python3-wand (and its ImageMagick library libmagickwand-6.q16-6)")]


def require_modules():
    missing = []
    for module, package in REQUIRED:
        try:
            importlib.import_module(module)
        except Exception as error:  # ImportError, or Wand's own error when ImageMagick is absent
            missing.append(f"{module} (Debian package {package}: {type(error).__name__}: {error})")
    if missing:
        print("corrupt_oracle: FAILED: missing Python module(s) for " + sys.executable + ": " +
              "; ".join(missing) + ". Install them with scripts/install-deps.sh.")
        sys.exit(1)


require_modules()

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import scipy.ndimage  # noqa: E402
import scipy.stats  # noqa: E402
import skimage.color  # noqa: E402
import skimage.filters  # noqa: E402
import skimage.util  # noqa: E402
from PIL import Image  # noqa: E402
from wand.api import library as magick  # noqa: E402
from wand.image import Image as MagickImage  # noqa: E402

cv2.setNumThreads(1)
# MagickMotionBlurImage(wand, radius, sigma, angle): Wand 0.4 had no binding for it, so the
# original declared it through ctypes; so do we.
magick.MagickMotionBlurImage.argtypes = (ctypes.c_void_p, ctypes.c_double, ctypes.c_double,
                                         ctypes.c_double)

# ---------------------------------------------------------------------------------------------
# Severity parameters: corruptions.md section 1 (make_cifar_c.py, make_tinyimagenet_c.py).
PARAMS = {
    "cifar": {
        "gaussian_noise": [0.04, 0.06, 0.08, 0.09, 0.10],
        "shot_noise": [500, 250, 100, 75, 50],
        "impulse_noise": [0.01, 0.02, 0.03, 0.05, 0.07],
        "speckle_noise": [0.06, 0.10, 0.12, 0.16, 0.20],
        "gaussian_blur": [0.4, 0.6, 0.7, 0.8, 1.0],
        "glass_blur": [(0.05, 1, 1), (0.25, 1, 1), (0.4, 1, 1), (0.25, 1, 2), (0.4, 1, 2)],
        "defocus_blur": [(0.3, 0.4), (0.4, 0.5), (0.5, 0.6), (1, 0.2), (1.5, 0.1)],
        "motion_blur": [(6, 1), (6, 1.5), (6, 2), (8, 2), (9, 2.5)],
        "zoom_blur": [1.06, 1.11, 1.16, 1.21, 1.26],
        "snow": [(0.1, 0.2, 1, 0.6, 8, 3, 0.95), (0.1, 0.2, 1, 0.5, 10, 4, 0.9),
                 (0.15, 0.3, 1.75, 0.55, 10, 4, 0.9), (0.25, 0.3, 2.25, 0.6, 12, 6, 0.85),
                 (0.3, 0.3, 1.25, 0.65, 14, 12, 0.8)],
        "frost": [(1, 0.2), (1, 0.3), (0.9, 0.4), (0.85, 0.4), (0.75, 0.45)],
        "fog": [(0.2, 3), (0.5, 3), (0.75, 2.5), (1, 2), (1.5, 1.75)],
        "spatter": [(0.62, 0.1, 0.7, 0.7, 0.5, 0), (0.65, 0.1, 0.8, 0.7, 0.5, 0),
                    (0.65, 0.3, 1, 0.69, 0.5, 0), (0.65, 0.1, 0.7, 0.69, 0.6, 1),
                    (0.65, 0.1, 0.5, 0.68, 0.6, 1)],
        "brightness": [0.05, 0.1, 0.15, 0.2, 0.3],
        "contrast": [0.75, 0.5, 0.4, 0.3, 0.15],
        "elastic_transform": [(0, 0, 0.08), (0.05, 0.2, 0.07), (0.08, 0.06, 0.06),
                              (0.1, 0.04, 0.05), (0.1, 0.03, 0.03)],
        "pixelate": [0.95, 0.9, 0.85, 0.75, 0.65],
        "jpeg_compression": [80, 65, 58, 50, 40],
        "saturate": [(0.3, 0), (0.1, 0), (1.5, 0), (2, 0.1), (2.5, 0.2)],
        "frost_scale": 0.2, "fog_mapsize": 32, "imsize": 32,
    },
    "tiny": {
        "gaussian_noise": [0.04, 0.08, 0.12, 0.15, 0.18],
        "shot_noise": [250, 100, 50, 30, 15],
        "impulse_noise": [0.01, 0.02, 0.05, 0.08, 0.14],
        "speckle_noise": [0.15, 0.20, 0.25, 0.30, 0.35],
        "gaussian_blur": [0.5, 0.75, 1.0, 1.25, 1.5],
        "glass_blur": [(0.1, 1, 1), (0.5, 1, 1), (0.6, 1, 2), (0.7, 2, 1), (0.9, 2, 2)],
        "defocus_blur": [(0.5, 0.6), (1, 0.1), (1.5, 0.1), (2.5, 0.01), (3, 0.1)],
        "motion_blur": [(10, 1), (10, 1.5), (10, 2), (10, 2.5), (12, 3)],
        "zoom_blur": [1.06, 1.11, 1.16, 1.21, 1.26],
        "snow": [(0.1, 0.2, 1, 0.6, 8, 3, 0.8), (0.1, 0.2, 1, 0.5, 10, 4, 0.8),
                 (0.15, 0.3, 1.75, 0.55, 10, 4, 0.7), (0.25, 0.3, 2.25, 0.6, 12, 6, 0.65),
                 (0.3, 0.3, 1.25, 0.65, 14, 12, 0.6)],
        "frost": [(1, 0.3), (0.9, 0.4), (0.8, 0.45), (0.75, 0.5), (0.7, 0.55)],
        "fog": [(0.4, 3), (0.7, 3), (1, 2.5), (1.5, 2), (2, 1.75)],
        "spatter": [(0.62, 0.1, 0.7, 0.7, 0.6, 0), (0.65, 0.1, 0.8, 0.7, 0.6, 0),
                    (0.65, 0.3, 1, 0.69, 0.6, 0), (0.65, 0.1, 0.7, 0.68, 0.6, 1),
                    (0.65, 0.1, 0.5, 0.67, 0.6, 1)],
        "brightness": [0.1, 0.2, 0.3, 0.4, 0.5],
        "contrast": [0.4, 0.3, 0.2, 0.1, 0.05],
        "elastic_transform": [(0, 0, 0.08), (0.05, 0.3, 0.06), (0.1, 0.08, 0.06),
                              (0.1, 0.03, 0.03), (0.16, 0.03, 0.02)],
        "pixelate": [0.9, 0.8, 0.7, 0.6, 0.5],
        "jpeg_compression": [65, 58, 50, 40, 25],
        "saturate": [(0.3, 0), (0.1, 0), (2, 0), (5, 0.1), (30, 0.2)],
        "frost_scale": 0.3, "fog_mapsize": 64, "imsize": 64,
    },
    # corruptions-imagenet-c.md section 1 (make_imagenet_c.py:249-539). zoom_blur: (end, step).
    "imagenet": {
        "gaussian_noise": [0.08, 0.12, 0.18, 0.26, 0.38],
        "shot_noise": [60, 25, 12, 5, 3],
        "impulse_noise": [0.03, 0.06, 0.09, 0.17, 0.27],
        "speckle_noise": [0.15, 0.20, 0.35, 0.45, 0.60],
        "gaussian_blur": [1, 2, 3, 4, 6],
        "glass_blur": [(0.7, 1, 2), (0.9, 2, 1), (1, 2, 3), (1.1, 3, 2), (1.5, 4, 2)],
        "defocus_blur": [(3, 0.1), (4, 0.5), (6, 0.5), (8, 0.5), (10, 0.5)],
        "motion_blur": [(10, 3), (15, 5), (15, 8), (15, 12), (20, 15)],
        "zoom_blur": [(1.11, 0.01), (1.16, 0.01), (1.21, 0.02), (1.26, 0.02), (1.31, 0.03)],
        "snow": [(0.1, 0.3, 3, 0.5, 10, 4, 0.8), (0.2, 0.3, 2, 0.5, 12, 4, 0.7),
                 (0.55, 0.3, 4, 0.9, 12, 8, 0.7), (0.55, 0.3, 4.5, 0.85, 12, 8, 0.65),
                 (0.55, 0.3, 2.5, 0.85, 12, 12, 0.55)],
        "frost": [(1, 0.4), (0.8, 0.6), (0.7, 0.7), (0.65, 0.7), (0.6, 0.75)],
        "fog": [(1.5, 2), (2, 2), (2.5, 1.7), (2.5, 1.5), (3, 1.4)],
        "spatter": [(0.65, 0.3, 4, 0.69, 0.6, 0), (0.65, 0.3, 3, 0.68, 0.6, 0),
                    (0.65, 0.3, 2, 0.68, 0.5, 0), (0.65, 0.3, 1, 0.65, 1.5, 1),
                    (0.67, 0.4, 1, 0.65, 1.5, 1)],
        "brightness": [0.1, 0.2, 0.3, 0.4, 0.5],
        "contrast": [0.4, 0.3, 0.2, 0.1, 0.05],
        "elastic_transform": [(2, 0.7, 0.1), (2, 0.08, 0.2), (0.05, 0.01, 0.02),
                              (0.07, 0.01, 0.02), (0.12, 0.01, 0.02)],
        "pixelate": [0.6, 0.5, 0.4, 0.3, 0.25],
        "jpeg_compression": [25, 18, 15, 10, 7],
        "saturate": [(0.3, 0), (0.1, 0), (2, 0), (5, 0.1), (20, 0.2)],
        # No resize of the overlays; the map is 256 (its top-left 224 used); the elastic
        # fractions are of 244 ("244 should have been 224", MIC:540).
        "frost_scale": 1.0, "fog_mapsize": 256, "imsize": 244,
    },
}
TABLES = ("cifar", "tiny", "imagenet")

# Pass criteria. Deterministic: the share of pixels with every channel within 1 level.
# Random: relative difference of each statistic (the dump draws enough samples that the
# printed standard error of the difference stays well below this).
WITHIN1_MIN = 0.999
STAT_TOLERANCE = 0.03


# ---------------------------------------------------------------------------------------------
# Where the random numbers come from: numpy's generator (the oracle's own draws), or the draws
# the dump replayed from one of our outputs (then the oracle reproduces that output exactly).

class NumpyDraws:
    def __init__(self, rng):
        self.rng = rng

    def uniform(self, low, high, size=None):
        return self.rng.uniform(low, high, size)

    def normal(self, loc, scale, size=None):
        return self.rng.normal(loc=loc, scale=scale, size=size)


class ReplayedDraws:
    """Standard draws in the order the corruption consumes them: canonical uniforms u become
    u (high - low) + low, standard normals z become z scale + loc (as std:: distributions do)."""

    def __init__(self, values):
        self.values, self.used = values, 0

    def _take(self, size):
        n = 1 if size is None else int(np.prod(size))
        if self.used + n > len(self.values):
            raise ValueError(f"needs more than the {len(self.values)} replayed draws")
        v = self.values[self.used:self.used + n]
        self.used += n
        return v[0] if size is None else v.reshape(size)

    def uniform(self, low, high, size=None):
        return self._take(size) * (high - low) + low

    def normal(self, loc, scale, size=None):
        return self._take(size) * scale + loc

    @property
    def rng(self):
        raise ValueError("this corruption's draws cannot be replayed")


# ---------------------------------------------------------------------------------------------
# Shared steps of the original pipeline.

def unit(x):
    """uint8 image -> float64 in [0, 1], as np.array(pil) / 255."""
    return np.asarray(x, dtype=np.float64) / 255.0


def writer_cast(values):
    """What every corruption function hands back becomes np.uint8(...): a truncating cast."""
    return np.uint8(values)


def clip01_255(v):
    return np.clip(v, 0, 1) * 255


def magick_motion_blur(array, radius, sigma, angle):
    """ImageMagick's MotionBlurImage on a uint8 image (H x W x 3 RGB, or H x W gray), through
    a PNG blob in and out, decoded by OpenCV, as the original did."""
    buffer = io.BytesIO()
    Image.fromarray(array, mode="L" if array.ndim == 2 else "RGB").save(buffer, format="PNG")
    with MagickImage(blob=buffer.getvalue()) as image:
        magick.MagickMotionBlurImage(image.wand, radius, sigma, angle)
        blob = image.make_blob()
    out = cv2.imdecode(np.frombuffer(blob, np.uint8), cv2.IMREAD_UNCHANGED)
    if array.ndim == 2:
        return out if out.ndim == 2 else out[..., 0]
    if out.ndim == 2:  # ImageMagick writes a gray PNG for a gray image
        return np.stack([out, out, out], axis=2)
    return out[..., ::-1]  # BGR -> RGB


def central_zoom(img, factor):
    """The original's clipped_zoom: central crop of ceil(h / z), scipy zoom (bilinear, corner
    aligned, output round(crop * z)), rows/columns (out - h) // 2 onwards kept."""
    h = img.shape[0]
    crop = int(np.ceil(h / factor))
    top = (h - crop) // 2
    zoomed = scipy.ndimage.zoom(img[top:top + crop, top:top + crop], (factor, factor, 1), order=1)
    trim = (zoomed.shape[0] - h) // 2
    return zoomed[trim:trim + h, trim:trim + h]


def plasma(mapsize, wibbledecay, draws):
    """Diamond-square height map on a torus, noise amplitude wibble^2, rescaled to [0, 1]."""
    height = np.zeros((mapsize, mapsize))
    step, wibble = mapsize, 100.0
    while step >= 2:
        half = step // 2

        def noisy_mean(total):
            return total / 4 + wibble * draws.uniform(-wibble, wibble, total.shape)

        corners = height[0::step, 0::step].copy()
        square = corners + np.roll(corners, -1, axis=0)
        square = square + np.roll(square, -1, axis=1)
        height[half::step, half::step] = noisy_mean(square)
        centres = height[half::step, half::step].copy()
        # Midpoints of the top edges: centres below and above, corners left and right.
        height[0::step, half::step] = noisy_mean(
            (centres + np.roll(centres, 1, axis=0)) + (corners + np.roll(corners, -1, axis=1)))
        # Midpoints of the left edges: centres right and left, corners above and below.
        height[half::step, 0::step] = noisy_mean(
            (centres + np.roll(centres, 1, axis=1)) + (corners + np.roll(corners, -1, axis=0)))
        step //= 2
        wibble /= wibbledecay
    height -= height.min()
    return height / height.max()


def disk_kernel(radius, alias_blur):
    grid = np.arange(-8, 9) if radius <= 8 else np.arange(-radius, radius + 1)
    xx, yy = np.meshgrid(grid, grid)
    disk = ((xx ** 2 + yy ** 2) <= radius ** 2).astype(np.float32)
    disk /= disk.sum()
    size = (3, 3) if radius <= 8 else (5, 5)
    return cv2.GaussianBlur(disk, ksize=size, sigmaX=alias_blur)


def rgb_gaussian(x, sigma):
    return skimage.filters.gaussian(x, sigma=sigma, channel_axis=-1)


# ---------------------------------------------------------------------------------------------
# The corruptions: f(x uint8 HxWx3 RGB, p = the severity's parameters, draws, env) -> uint8.

def gaussian_noise(x, p, draws, env):
    u = unit(x)
    return writer_cast(clip01_255(u + draws.normal(0, p, u.shape)))


def shot_noise(x, p, draws, env):
    return writer_cast(clip01_255(draws.rng.poisson(unit(x) * p) / p))


def impulse_noise(x, p, draws, env):
    # skimage >= 0.19 draws from its own generator: seed it from ours.
    noisy = skimage.util.random_noise(unit(x), mode="s&p", amount=p,
                                      seed=draws.rng.randint(2 ** 31))
    return writer_cast(clip01_255(noisy))


def speckle_noise(x, p, draws, env):
    u = unit(x)
    return writer_cast(clip01_255(u + u * draws.normal(0, p, u.shape)))


def gaussian_blur(x, p, draws, env):
    return writer_cast(clip01_255(rgb_gaussian(unit(x), p)))


def glass_blur(x, p, draws, env):
    sigma, delta, iterations = p
    size = x.shape[0]
    img = np.uint8(rgb_gaussian(unit(x), sigma) * 255)
    positions = [(h, w) for h in range(size - delta, delta, -1)
                 for w in range(size - delta, delta, -1)]
    for _ in range(iterations):
        # (dx, dy) per position, as Python ints (numpy scalars index three times slower)
        offsets = draws.rng.randint(-delta, delta, size=(len(positions), 2)).tolist()
        for (h, w), (dx, dy) in zip(positions, offsets):
            # The published "swap" of two pixel views; numpy makes it a copy of the partner.
            img[h, w], img[h + dy, w + dx] = img[h + dy, w + dx], img[h, w]
    return writer_cast(clip01_255(rgb_gaussian(img / 255.0, sigma)))


def defocus_blur(x, p, draws, env):
    u = unit(x)
    kernel = disk_kernel(*p)
    channels = [cv2.filter2D(u[:, :, ch], -1, kernel) for ch in range(3)]
    return writer_cast(clip01_255(np.stack(channels, axis=2)))


def motion_blur(x, p, draws, env):
    return writer_cast(np.clip(magick_motion_blur(x, p[0], p[1], draws.uniform(-45, 45)), 0, 255))


def zoom_blur(x, p, draws, env):
    end, step = p if isinstance(p, tuple) else (p, 0.01)
    factors = np.arange(1, end, step)
    u = (np.asarray(x) / 255.0).astype(np.float32)
    total = np.zeros_like(u)
    for factor in factors:
        total += central_zoom(u, factor)
    return writer_cast(clip01_255((u + total) / (len(factors) + 1)))


def snow(x, p, draws, env):
    loc, scale, zoom, threshold, radius, sigma, blend = p
    size = x.shape[0]
    u = np.asarray(x, dtype=np.float32) / 255.0
    layer = draws.normal(loc, scale, x.shape[:2])
    layer = central_zoom(layer[..., np.newaxis], zoom)
    layer[layer < threshold] = 0
    flakes = (np.clip(layer.squeeze(), 0, 1) * 255).astype(np.uint8)
    streaks = magick_motion_blur(flakes, radius, sigma, draws.uniform(-135, -45)) / 255.0
    streaks = streaks[..., np.newaxis]
    gray = cv2.cvtColor(u, cv2.COLOR_RGB2GRAY).reshape(size, size, 1)
    u = blend * u + (1 - blend) * np.maximum(u, gray * 1.5 + 0.5)
    return writer_cast(clip01_255(u + streaks + np.rot90(streaks, k=2)))


def frost_given(x, p, overlay, top, left):
    size = x.shape[0]
    crop = overlay[top:top + size, left:left + size]
    return writer_cast(np.clip(p[0] * np.asarray(x) + p[1] * crop, 0, 255))


def frost(x, p, draws, env):
    overlay = env["overlays"][draws.rng.randint(5)]  # frost1..frost5 (frost6 never drawn)
    size = x.shape[0]
    top = draws.rng.randint(0, overlay.shape[0] - size)
    left = draws.rng.randint(0, overlay.shape[1] - size)
    return frost_given(x, p, overlay, top, left)


def fog(x, p, draws, env):
    amount, decay = p
    size = x.shape[0]
    u = unit(x)
    brightest = u.max()
    u += amount * plasma(env["fog_mapsize"], decay, draws)[:size, :size][..., np.newaxis]
    return writer_cast(clip01_255(u * brightest / (brightest + amount)))


def spatter(x, p, draws, env):
    loc, scale, sigma, threshold, k, mode = p
    u = np.asarray(x, dtype=np.float32) / 255.0
    liquid = skimage.filters.gaussian(draws.normal(loc, scale, x.shape[:2]), sigma=sigma)
    liquid[liquid < threshold] = 0
    if mode == 0:  # water
        with np.errstate(invalid="ignore"):
            level = (liquid * 255).astype(np.uint8)  # no clip: > 255 wraps, as published
        dist = cv2.distanceTransform(255 - cv2.Canny(level, 50, 150), cv2.DIST_L2, 5)
        _, dist = cv2.threshold(dist, 20, 20, cv2.THRESH_TRUNC)
        dist = cv2.equalizeHist(cv2.blur(dist, (3, 3)).astype(np.uint8))
        emboss = np.array([[-2, -1, 0], [-1, 1, 1], [0, 1, 2]], dtype=np.float32)
        dist = cv2.blur(cv2.filter2D(dist, cv2.CV_8U, emboss), (3, 3)).astype(np.float32)
        m = level * dist
        if m.max() == 0:  # published: 0 / 0 -> NaN image; counted, and left as the input
            env["spatter_empty"] += 1
            return np.asarray(x).copy()
        m = m / m.max() * np.float32(k)
        water = np.array([175, 238, 238], dtype=np.float32) / np.float32(255)
        return writer_cast(np.clip(u + m[..., np.newaxis] * water, 0, 1) * np.float32(255))
    mask = skimage.filters.gaussian(np.where(liquid > threshold, 1, 0).astype(np.float32),
                                    sigma=k)
    mask[mask < 0.8] = 0
    mud = (np.array([63, 42, 20], dtype=np.float32) / np.float32(255)) * mask[..., np.newaxis]
    u = u * (1 - mask[..., np.newaxis])
    return writer_cast(np.clip(u + mud, 0, 1) * np.float32(255))


def hsv_change(x, channel, change):
    hsv = skimage.color.rgb2hsv(unit(x))
    hsv[:, :, channel] = np.clip(change(hsv[:, :, channel]), 0, 1)
    return writer_cast(clip01_255(skimage.color.hsv2rgb(hsv)))


def brightness(x, p, draws, env):
    return hsv_change(x, 2, lambda v: v + p)


def saturate(x, p, draws, env):
    return hsv_change(x, 1, lambda s: s * p[0] + p[1])


def contrast(x, p, draws, env):
    u = unit(x)
    means = u.mean(axis=(0, 1), keepdims=True)
    return writer_cast(clip01_255((u - means) * p + means))


def jpeg_compression(x, p, draws, env):
    buffer = io.BytesIO()
    Image.fromarray(x).save(buffer, "JPEG", quality=p)
    return np.asarray(Image.open(buffer).convert("RGB"))


def pixelate(x, p, draws, env):
    size = x.shape[0]
    small = Image.fromarray(x).resize((int(size * p), int(size * p)), Image.BOX)
    return np.asarray(small.resize((size, size), Image.BOX))


def elastic_transform(x, p, draws, env):
    imsize = env["imsize"]  # the parameters are fractions of the table's image size
    alpha, sigma, jitter = p[0] * imsize, p[1] * imsize, p[2] * imsize
    image = np.asarray(x, dtype=np.float32) / 255.0
    shape = image.shape
    centre = np.float32(shape[:2]) // 2
    third = min(shape[:2]) // 3
    source = np.float32([centre + third, [centre[0] + third, centre[1] - third], centre - third])
    target = source + draws.uniform(-jitter, jitter, source.shape).astype(np.float32)
    affine = cv2.getAffineTransform(source, target)
    image = cv2.warpAffine(image, affine, shape[1::-1], borderMode=cv2.BORDER_REFLECT_101)

    def field():
        noise = draws.uniform(-1, 1, shape[:2])
        blurred = skimage.filters.gaussian(noise, sigma, mode="reflect", truncate=3)
        return (blurred * alpha).astype(np.float32)[..., np.newaxis]

    dx = field()
    dy = field()
    cols, rows, chans = np.meshgrid(np.arange(shape[1]), np.arange(shape[0]), np.arange(shape[2]))
    coords = (np.reshape(rows + dy, (-1, 1)), np.reshape(cols + dx, (-1, 1)),
              np.reshape(chans, (-1, 1)))
    warped = scipy.ndimage.map_coordinates(image, coords, order=1, mode="reflect")
    return writer_cast(np.clip(warped.reshape(shape), 0, 1) * 255)


CORRUPTIONS = {f.__name__: f for f in [
    gaussian_noise, shot_noise, impulse_noise, defocus_blur, glass_blur, motion_blur, zoom_blur,
    snow, frost, fog, brightness, contrast, elastic_transform, pixelate, jpeg_compression,
    speckle_noise, gaussian_blur, spatter, saturate]}
DETERMINISTIC = ["brightness", "contrast", "saturate", "pixelate", "jpeg_compression",
                 "defocus_blur", "gaussian_blur", "zoom_blur"]
REPLAYED = ["motion_blur", "snow", "spatter", "fog", "elastic_transform"]


# ---------------------------------------------------------------------------------------------
# Statistics of the random corruptions: name -> f(out, clean) per image (int arrays HxWx3).

def _d(y, x):
    return y.astype(np.float64) - x.astype(np.float64)


def _mad(y, x):
    return np.abs(_d(y, x)).mean()


STATISTICS = {
    "gaussian_noise": {"std(y-x)": lambda y, x: _d(y, x).std()},
    "shot_noise": {"std(y-x)": lambda y, x: _d(y, x).std()},
    "speckle_noise": {"std(y-x)": lambda y, x: _d(y, x).std()},
    "impulse_noise": {"P(y!=x)": lambda y, x: (y != x).mean(),
                      "P(y=255|y!=x)": lambda y, x: ((y == 255) & (y != x)).sum()
                      / max((y != x).sum(), 1)},
    "glass_blur": {"mean|y-x|": _mad,
                   "mean|y-x(down-right)|": lambda y, x: _mad(y[1:, 1:], x[:-1, :-1]),
                   "mean|y-x(up-left)|": lambda y, x: _mad(y[:-1, :-1], x[1:, 1:])},
    "frost": {"mean(y)": lambda y, x: y.mean(), "std(y)": lambda y, x: y.std()},
}


# ---------------------------------------------------------------------------------------------
# Checks and the report.

def percent(share):
    return "100%" if share == 1 else f"{100 * share:.3f}%"


class Report:
    def __init__(self):
        self.rows = []

    def add(self, table, name, severity, check, ours, oracle, diff, limit, ok, note="",
            **numbers):
        self.rows.append(dict(table=table, name=name, severity=severity, check=check, ours=ours,
                              oracle=oracle, diff=diff, limit=limit, ok=ok, note=note, **numbers))

    def within1(self, table, name, severity, ours, oracle, check="pixels within 1"):
        """Share of pixels whose channels all differ by at most 1 level."""
        ours = np.asarray(ours, dtype=np.int16)
        oracle = np.asarray(oracle, dtype=np.int16)
        diff = np.abs(ours - oracle)
        if diff.ndim >= 4:  # (..., H, W, 3): a pixel agrees when all channels do
            per_pixel = diff.max(axis=-1)
        else:
            per_pixel = diff
        share = float((per_pixel <= 1).mean())
        exact = float((per_pixel == 0).mean())
        note = f"exact {exact:.4f}, max diff {int(diff.max())}"
        self.add(table, name, severity, check, f"{share:.5f}", "", "",
                 f">= {WITHIN1_MIN}", bool(share >= WITHIN1_MIN), note, within1=share,
                 exact=exact)
        return share

    def statistic(self, table, name, severity, check, ours_values, oracle_values):
        """ours_values[k] and oracle_values[k] come from the same clean image, so the standard
        error of the difference is that of the paired differences."""
        a, b = np.mean(ours_values), np.mean(oracle_values)
        se = np.std(ours_values - oracle_values, ddof=1) / np.sqrt(len(ours_values))
        rel = (a - b) / abs(b) if b != 0 else (0.0 if a == 0 else np.inf)
        self.add(table, name, severity, check, f"{a:.4g}", f"{b:.4g}", f"{100 * rel:+.2f}%",
                 f"{100 * STAT_TOLERANCE:.0f}%", bool(abs(rel) <= STAT_TOLERANCE),
                 f"SE {100 * se / abs(b):.2f}%" if b != 0 else "", relative=float(rel))

    def info(self, table, name, severity, check, ours, oracle, diff="", note=""):
        """A measurement reported without a pass/fail criterion (options beyond the test)."""
        self.add(table, name, severity, check, ours, oracle, diff, "info", None, note)

    def print(self):
        header = ("table", "corruption", "s", "check", "ours", "oracle", "diff", "limit", "ok",
                  "note")
        lines = [[r["table"], r["name"], str(r["severity"]), r["check"], r["ours"], r["oracle"],
                  r["diff"], r["limit"],
                  "-" if r["ok"] is None else ("ok" if r["ok"] else "FAIL"), r["note"]]
                 for r in self.rows]
        widths = [max(len(h), *(len(line[i]) for line in lines)) for i, h in enumerate(header)]
        print("  ".join(h.ljust(w) for h, w in zip(header, widths)).rstrip())
        for line in lines:
            print("  ".join(c.ljust(w) for c, w in zip(line, widths)).rstrip())

    def markdown(self, command):
        """Per table, corruption and severity: the share of pixels within 1 level (and exactly
        equal) over its pixel checks, and the largest relative difference of its statistics."""
        out = [f"Produced by `{command}`.", ""]
        titles = {"cifar": "CIFAR-10-C table, 32 x 32", "tiny": "Tiny-ImageNet-C table, 64 x 64",
                  "imagenet": "ImageNet-C table, 224 x 224"}
        for table in TABLES:
            out += [f"**{titles[table]}**", "", "| corruption | check | s1 | s2 | s3 | s4 | s5 |",
                    "|---|---|---|---|---|---|---|"]
            for name in CORRUPTIONS:
                rows = [r for r in self.rows if r["table"] == table and r["name"] == name and
                        isinstance(r["severity"], int)]
                for kind, label in (("within1", "pixels within 1 (exact)"),
                                    ("relative", "largest stat. difference")):
                    cells = []
                    for severity in range(1, 6):
                        hits = [r for r in rows if r["severity"] == severity and kind in r]
                        if not hits:
                            break
                        if kind == "within1":
                            cells.append(f"{percent(min(r['within1'] for r in hits))} "
                                         f"({percent(min(r['exact'] for r in hits))})")
                        else:
                            cells.append(f"{100 * max(abs(r['relative']) for r in hits):.2f}%")
                    if len(cells) == 5:
                        check = label if kind == "relative" or name not in REPLAYED else \
                            "same draws: pixels within 1 (exact)"
                        if name == "frost" and kind == "within1":
                            check = "crop recovered: pixels within 1 (exact)"
                        out.append(f"| {name} | {check} | " + " | ".join(cells) + " |")
            out.append("")
        return "\n".join(out)

    def failures(self):
        return [r for r in self.rows if r["ok"] is not None and not r["ok"]]

    def passed(self):
        return [r for r in self.rows if r["ok"] is not None and r["ok"]]


def run_oracle(name, table, images, count, draws_for, env):
    """The oracle's outputs (5, count, S, S, 3) for images[k % N], k < count, drawing from
    draws_for(severity index, k)."""
    fn = CORRUPTIONS[name]
    out = np.empty((5, count) + images.shape[1:], dtype=np.uint8)
    for s in range(5):
        p = PARAMS[table][name][s]
        for k in range(count):
            out[s, k] = fn(images[k % len(images)], p, draws_for(s, k), env)
    return out


def check_replayed(report, table, name, images, ours, replayed, env):
    """Our outputs against the oracle's given the same standard draws; every draw used."""
    leftovers = []

    def draws_for(s, k):
        draws = ReplayedDraws(replayed[s, k])
        leftovers.append(draws)
        return draws

    oracle = run_oracle(name, table, images, ours.shape[1], draws_for, env)
    unused = sum(len(d.values) - d.used for d in leftovers)
    for s in range(5):
        report.within1(table, name, s + 1, ours[s], oracle[s], "pixels within 1 (same draws)")
    report.add(table, name, "all", "replayed draws all used", str(unused), "0", "", "0",
               unused == 0, f"{replayed.shape[2]} per output")


def per_image(stat, outputs, images):
    return np.array([stat(outputs[k].astype(np.int64), images[k % len(images)].astype(np.int64))
                     for k in range(outputs.shape[0])])


def recover_frost(y, x, p, overlays):
    """The (overlay, top, left) whose frost blend reproduces y best, searching every overlay and
    every crop offset up to and including the one numpy's exclusive bound rules out."""
    size = x.shape[0]
    best = (-1.0, None)
    probes = [(i, j) for i in range(1, size, 5) for j in range(2, size, 7)]
    probes = probes[::7] + probes  # spread the first few over the image
    for index, overlay in enumerate(overlays):
        rows, cols = overlay.shape[0] - size + 1, overlay.shape[1] - size + 1
        alive = np.ones((rows, cols), dtype=bool)
        for i, j in probes:  # narrow the candidates with single pixels, all offsets at once
            window = overlay[i:i + rows, j:j + cols].astype(np.float64)
            pred = np.floor(np.clip(p[0] * x[i, j].astype(np.float64) + p[1] * window, 0, 255))
            alive &= (np.abs(pred - y[i, j]) <= 1).all(axis=2)
            if np.count_nonzero(alive) <= 16:
                break
        for top, left in zip(*np.nonzero(alive)):
            guess = frost_given(x, p, overlay, top, left).astype(np.int16)
            share = float((np.abs(guess - y).max(axis=2) <= 1).mean())
            if share > best[0]:
                best = (share, (index, int(top), int(left)))
    return best


def check_frost(report, table, images, ours, overlays):
    """Given-draws check (crop recovered) and the draws' distribution."""
    size = images.shape[1]
    indices, positions = [], []
    for s in range(5):
        p = PARAMS[table]["frost"][s]
        oracle = np.zeros_like(ours[s])  # stays black where no draw reproduces our output
        for k in range(ours.shape[1]):
            x = images[k % len(images)]
            _, draw = recover_frost(ours[s, k], x, p, overlays)
            if draw is not None:
                index, top, left = draw
                oracle[k] = frost_given(x, p, overlays[index], top, left)
                indices.append(index)
                positions.append((top / (overlays[index].shape[0] - size),
                                  left / (overlays[index].shape[1] - size)))
        report.within1(table, "frost", s + 1, ours[s], oracle, "pixels within 1 (crop recovered)")
    counts = np.bincount(indices, minlength=5)
    chi2 = scipy.stats.chisquare(counts)
    report.add(table, "frost", "all", "overlay index uniform on 0..4", " ".join(map(str, counts)),
               "", f"p={chi2.pvalue:.3f}", "p >= 0.001",
               bool(chi2.pvalue >= 0.001 and len(counts) == 5))
    positions = np.array(positions) if positions else np.zeros((0, 2))
    # Offsets are uniform on [0, range): top / range must stay below 1 (exclusive bound).
    in_range = bool(len(positions)) and positions.max() < 1.0
    ks_top = scipy.stats.kstest(positions[:, 0], "uniform").pvalue if len(positions) else 0.0
    ks_left = scipy.stats.kstest(positions[:, 1], "uniform").pvalue if len(positions) else 0.0
    report.add(table, "frost", "all", "crop offsets uniform, bound exclusive",
               f"max {positions.max():.3f}" if len(positions) else "-", "",
               f"KS p={ks_top:.3f}/{ks_left:.3f}", "p >= 0.001, max < 1",
               in_range and min(ks_top, ks_left) >= 0.001)


def check_filters(report, table, images, work):
    for kind in ("motion", "snow"):
        params = np.load(os.path.join(work, f"{table}_{kind}_params.npy"))
        ours = np.load(os.path.join(work, f"{table}_{kind}_filter.npy"))
        inputs = images if kind == "motion" else np.load(
            os.path.join(work, f"{table}_snow_layers.npy"))
        oracle = np.stack([np.stack([magick_motion_blur(inp, *cfg) for inp in inputs])
                           for cfg in params])
        # One row per (radius, sigma), over its angles.
        for pair in sorted({(r, s) for r, s, _ in params}):
            rows = [i for i, (r, s, _) in enumerate(params) if (r, s) == pair]
            name = "motion_blur" if kind == "motion" else "snow"
            angles = ",".join(f"{params[i][2]:g}" for i in rows)
            report.within1(table, name, f"r{pair[0]:g} s{pair[1]:g}", ours[rows], oracle[rows],
                           f"ImageMagick blur within 1 ({'RGB' if kind == 'motion' else 'gray'}"
                           f" layer, angles {angles})")


def pil_imagenet_crop(array):
    """torchvision's Resize(256) + CenterCrop(224) on a PIL image, as make_imagenet_c.py's input:
    the shorter side to 256 (the longer int(256 * long / short)) with Pillow's BILINEAR, then the
    centre with offsets int(round((h - 224) / 2.)) (Python 3: halves to even)."""
    image = Image.fromarray(array)
    w, h = image.size
    size = (256, int(256 * h / w)) if w <= h else (int(256 * w / h), 256)
    image = image.resize(size, Image.BILINEAR)
    w, h = image.size
    top, left = int(round((h - 224) / 2.)), int(round((w - 224) / 2.))
    return np.asarray(image.crop((left, top, left + 224, top + 224)))


def check_crops(report, work):
    k = 0
    while os.path.exists(os.path.join(work, f"crop_source_{k}.npy")):
        source = np.load(os.path.join(work, f"crop_source_{k}.npy"))
        ours = np.load(os.path.join(work, f"crop_ours_{k}.npy"))
        report.within1("imagenet", "imagenet_eval_crop", f"{source.shape[0]}x{source.shape[1]}",
                       ours, pil_imagenet_crop(source), "pixels within 1 (Pillow's crop)")
        k += 1
    report.add("imagenet", "imagenet_eval_crop", "all", "source shapes checked", str(k), "6", "",
               "6", k == 6)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--dump", required=True, help="the corrupt_oracle_dump executable")
    parser.add_argument("--work", required=True, help="a scratch directory (emptied first)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--frost-dir", help="the original frost photographs (informational)")
    parser.add_argument("--keep", action="store_true", help="keep the .npy files")
    parser.add_argument("--markdown", help="also write the summary table (Markdown) here")
    parser.add_argument("--reuse", action="store_true",
                        help="skip the dump and read the .npy already in --work (development)")
    args = parser.parse_args()

    import PIL
    import scipy
    import skimage
    import wand.version
    print(f"oracle: Python {sys.version.split()[0]}, numpy {np.__version__}, scipy "
          f"{scipy.__version__}, scikit-image {skimage.__version__}, OpenCV {cv2.__version__}, "
          f"Pillow {PIL.__version__}, Wand {wand.version.VERSION}, "
          f"{wand.version.MAGICK_VERSION.split(' http')[0]}")
    start = time.time()
    if not args.reuse:
        shutil.rmtree(args.work, ignore_errors=True)
    dumped = subprocess.run([args.dump, "--out", args.work, "--seed", str(args.seed)],
                            capture_output=True, text=True) if not args.reuse else None
    if dumped is not None and dumped.returncode != 0:
        lines = [line for line in (dumped.stderr + dumped.stdout).splitlines() if line.strip()]
        if lines:
            print("\n".join(lines))
        reason = next((line for line in lines if line.startswith("SUMMARY:")),
                      lines[-1] if lines else "no output")
        print(f"corrupt_oracle: FAILED: {args.dump} exited with {dumped.returncode}: {reason}")
        return 1
    dump_seconds = time.time() - start
    warnings.simplefilter("ignore")
    load = lambda name: np.load(os.path.join(args.work, name + ".npy"))  # noqa: E731

    report = Report()
    photos = [load(f"frost_photo_{i}") for i in range(5)]
    real_photos = None
    if args.frost_dir:
        names = ["frost1.png", "frost2.png", "frost3.png", "frost4.jpg", "frost5.jpg"]
        real_photos = [cv2.imread(os.path.join(args.frost_dir, n))[..., ::-1] for n in names]
    for t_index, table in enumerate(TABLES):
        table_start = time.time()
        images = load(f"{table}_images")
        scale = PARAMS[table]["frost_scale"]
        # cv2.resize as the original (its BGR order does not matter to a per-channel resize);
        # ImageNet-C crops the photographs as they are.
        overlays = [p if scale == 1 else cv2.resize(p, (0, 0), fx=scale, fy=scale)
                    for p in photos]
        env = dict(overlays=overlays, fog_mapsize=PARAMS[table]["fog_mapsize"],
                   imsize=PARAMS[table]["imsize"], spatter_empty=0)
        for c_index, name in enumerate(CORRUPTIONS):
            rng = np.random.RandomState(args.seed * 1009 + 100 * t_index + c_index)
            own = NumpyDraws(rng)
            ours = load(f"{table}_{name}")
            if name in DETERMINISTIC:
                oracle = run_oracle(name, table, images, ours.shape[1], lambda s, k: own, env)
                for s in range(5):
                    report.within1(table, name, s + 1, ours[s], oracle[s])
            elif name in REPLAYED:
                check_replayed(report, table, name, images, ours, load(f"{table}_{name}_draws"),
                               env)
            elif name == "frost":
                check_frost(report, table, images, ours, overlays)
            if name in STATISTICS:
                oracle = run_oracle(name, table, images, ours.shape[1], lambda s, k: own, env)
                for s in range(5):
                    for check, stat in STATISTICS[name].items():
                        report.statistic(table, name, s + 1, check,
                                         per_image(stat, ours[s], images),
                                         per_image(stat, oracle[s], images))
        if env["spatter_empty"]:
            report.info(table, "spatter", "all", "oracle images without water", "",
                        str(env["spatter_empty"]), note="published: a NaN image; here: the input")
        check_filters(report, table, images, args.work)
        if real_photos is not None:
            ours = load(f"{table}_frost_procedural")
            env["overlays"] = [p if scale == 1 else cv2.resize(p, (0, 0), fx=scale, fy=scale)
                               for p in real_photos]
            own = NumpyDraws(np.random.RandomState(7))
            oracle = run_oracle("frost", table, images, ours.shape[1], lambda s, k: own, env)
            for s in range(5):
                for check, stat in STATISTICS["frost"].items():
                    va, vb = per_image(stat, ours[s], images), per_image(stat, oracle[s], images)
                    a, b = va.mean(), vb.mean()
                    se = np.sqrt(va.var(ddof=1) / len(va) + vb.var(ddof=1) / len(vb))
                    report.info(table, "frost (procedural vs photographs)", s + 1, check,
                                f"{a:.4g}", f"{b:.4g}", f"{100 * (a - b) / b:+.1f}%",
                                f"SE {100 * se / b:.1f}% (independent draws)")
        print(f"oracle: {table} table checked in {time.time() - table_start:.1f} s")
    check_crops(report, args.work)
    report.print()
    if args.markdown:
        with open(args.markdown, "w") as f:
            f.write(report.markdown(" ".join(["/usr/bin/python3"] + sys.argv)) + "\n")
    failures = report.failures()
    seconds = time.time() - start
    print(f"corrupt_oracle: {seconds:.1f} s, of which the dump {dump_seconds:.1f} s")
    print(f"corrupt_oracle: {len(report.passed())} passed, {len(failures)} failed")
    if failures:
        print(f"corrupt_oracle: the .npy files are kept in {args.work}")
    elif not args.keep:
        shutil.rmtree(args.work, ignore_errors=True)
    if failures:
        worst = failures[0]
        print(f"corrupt_oracle: FAILED: {worst['table']} {worst['name']} severity "
              f"{worst['severity']}: {worst['check']} = {worst['ours']} {worst['diff']} "
              f"(limit {worst['limit']}; oracle {worst['oracle'] or '-'})"
              + (f" and {len(failures) - 1} more" if len(failures) > 1 else ""))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
