#!/usr/bin/env bash
# The reliability checks CI runs besides the unit tests, both on the
# LibTorch-free code only (see CMakeLists.txt):
#  1. its unit tests built with AddressSanitizer + UndefinedBehaviorSanitizer;
#  2. the libFuzzer targets, each for a fixed seed and a fixed number of runs
#     from a generated seed corpus, so that the verdict never depends on luck.
# bench/fuzz.sh runs the same targets for as long as asked, with fresh seeds.
set -euo pipefail
cd "$(dirname "$0")/.."
jobs="${JOBS:-2}"

# One clang tree for both: the fuzz build instruments all of the LibTorch-free code with ASan
# and UBSan anyway, and clang compiles it much faster than gcc does under ASan (a separate gcc
# tree for the tests took 347 s of wall time in a 1,572 s CI run).
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DDIGN_FUZZ=ON -DDIGN_SANITIZE=ON \
  -DDIGN_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j "$jobs"
ctest --test-dir build-fuzz --output-on-failure -j "$jobs"

corpus=build-fuzz/corpus
rm -rf "$corpus"
build-fuzz/fuzz/make_corpus "$corpus"
# Runs chosen for about 10-30 s each on a 2-core CI machine.
for spec in cifar_binary:300000 image:600000 npy:600000 checkpoint:300000 config:300000; do
  target=${spec%%:*}
  runs=${spec##*:}
  echo "fuzz: $target, $runs runs, seed 1"
  log="build-fuzz/$target.log"
  # Crashes are saved under build-fuzz/crashes/; the log's tail shows the sanitizer report.
  mkdir -p build-fuzz/crashes
  if ! build-fuzz/fuzz/${target}_fuzz -runs="$runs" -seed=1 -print_final_stats=1 \
      -artifact_prefix=build-fuzz/crashes/${target}- "$corpus/$target" >"$log" 2>&1; then
    grep -vE "^#|Uses:|NEW_FUNC" "$log" | tail -40
    echo "ci-sanitizers: $target failed (input saved in build-fuzz/crashes/)"
    exit 1
  fi
  grep -E "^stat::(number_of_executed_units|average_exec_per_sec)|^Done" "$log"
done
echo "ci-sanitizers: all passed"
