#!/usr/bin/env bash
# Configures and builds dign (library, CLI, tests) in build/ with two jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
cmake --build build -j "${DIGN_JOBS:-2}"
