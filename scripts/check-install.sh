#!/usr/bin/env bash
# Installs the build into a fresh temporary prefix, then builds examples/train_custom_model
# against it as a project of its own would (find_package(dign), a separate build directory)
# and runs it: the installed headers, libraries and package configuration are complete and
# usable. CI runs it after the tests; everything it makes is removed at the end.
#   scripts/check-install.sh                        the example's --quick run (seconds)
#   DIGN_EXAMPLE_ARGS= scripts/check-install.sh     the example's full run (about a minute)
# DIGN_BUILD_DIR: the configured dign build (default build/; `dign` is brought up to date);
# DIGN_WERROR=ON builds the example with -Werror; DIGN_JOBS: build jobs (default 2).
set -euo pipefail
cd "$(dirname "$0")/.."
build="$(realpath "${DIGN_BUILD_DIR:-build}")"
args="${DIGN_EXAMPLE_ARGS---quick}"
work="$(mktemp -d "${TMPDIR:-/tmp}/dign-install.XXXXXX")"
trap 'rm -rf "$work"' EXIT
prefix="$work/prefix"

cmake --build "$build" -j "${DIGN_JOBS:-2}" --target dign >/dev/null
cmake --install "$build" --prefix "$prefix" >/dev/null
for f in bin/dign lib/libdign.a lib/libdign_base.a include/dign/core/error.h \
  include/dign/train/loop.h include/dign/version_generated.h lib/cmake/dign/dignConfig.cmake \
  lib/cmake/dign/dignConfigVersion.cmake lib/cmake/dign/dignTargets.cmake; do
  if [ ! -e "$prefix/$f" ]; then
    echo "check-install: $f is missing from the installed tree" >&2
    exit 1
  fi
done
# The installed package must not point back into the source or build tree.
if grep -rlF -e "$PWD" -e "$build" "$prefix/lib/cmake"; then
  echo "check-install: the installed package configuration refers to $PWD or $build" >&2
  exit 1
fi
"$prefix/bin/dign" --version >/dev/null

flags="-Wall -Wextra"
if [ "${DIGN_WERROR:-OFF}" = "ON" ]; then flags="$flags -Werror"; fi
cmake -S examples/train_custom_model -B "$work/example" -G Ninja -DCMAKE_BUILD_TYPE=Release \
  -DCMAKE_PREFIX_PATH="$prefix" -DCMAKE_CXX_FLAGS="$flags" -Wno-dev >/dev/null
cmake --build "$work/example" -j "${DIGN_JOBS:-2}" >/dev/null
# shellcheck disable=SC2086  # args: words for the example
"$work/example/train_custom_model" $args | tee "$work/output.txt"
grep -q "^clean: accuracy" "$work/output.txt"
grep -q "^all corruptions: accuracy" "$work/output.txt"
echo "check-install: installed, built against and ran examples/train_custom_model"
