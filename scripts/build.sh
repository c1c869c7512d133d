#!/usr/bin/env bash
# Configures and builds dign in build/ with two jobs (DIGN_JOBS to change).
#   scripts/build.sh         the library and the `dign` executable: what `dign demo` needs
#   scripts/build.sh --all   everything else too: tests, fuzz-corpus tools, benchmarks
# DIGN_WERROR=ON turns warnings into errors (CI sets it). Other arguments go to cmake.
set -euo pipefail
cd "$(dirname "$0")/.."
targets=(--target dign)
if [ "${1:-}" = "--all" ]; then
  targets=()
  shift
fi
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DDIGN_WERROR="${DIGN_WERROR:-OFF}" "$@" \
  >/dev/null
cmake --build build -j "${DIGN_JOBS:-2}" "${targets[@]}"
