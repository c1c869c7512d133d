#!/usr/bin/env bash
# Installs everything dign needs to build and test, from Debian 12's packages.
# Idempotent: packages already present are left as they are.
set -euo pipefail

packages=(
  build-essential cmake ninja-build git pkg-config clang-format
  libtorch-dev libgloo-dev libopenblas0-pthread
  libopencv-dev libcli11-dev nlohmann-json3-dev libfmt-dev libxxhash-dev
  libcairo2-dev  # figures: reliability diagrams (PNG/SVG)
  libgtest-dev libgmock-dev libbenchmark-dev
  # The corruption oracle test (tests/corrupt/oracle): the original generator's Python libraries;
  # Wand's ImageMagick 6 in its Q16 (not HDRI) build, whose rounding the motion blur port follows.
  python3-numpy python3-scipy python3-skimage python3-opencv python3-pil python3-wand
  libmagickwand-6.q16-6
  # The speed benchmark's peer (bench/train_peer.py): PyTorch from Python on the same LibTorch.
  python3-torch
  # The HTML report's test (tests/report/check_report.py) parses the page with a real HTML parser.
  python3-lxml
  # Fuzz targets and sanitizer builds (clang only recommends its fuzzer runtime):
  clang libclang-rt-14-dev llvm
  # The corruption Rng's libc++ build (ctest corrupt_rng_libcxx):
  libc++-14-dev libc++abi-14-dev
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages already installed"
  exit 0
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
