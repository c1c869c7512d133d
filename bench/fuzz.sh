#!/usr/bin/env bash
# Runs every fuzz target for SECONDS each (default 300) with a fresh random
# seed, keeping the grown corpus in build-fuzz/corpus, and reports executions,
# executions per second and coverage per target. Crashes are written to
# build-fuzz/crashes/<target>/: turn each into a regression test whose input is
# a byte array in the test's source.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${1:-300}"
# Configured as scripts/ci-sanitizers.sh configures the same directory, so that running one
# after the other does not flip the cache and rebuild the tree; only the fuzz targets are built.
CC=clang CXX=clang++ cmake -S . -B build-fuzz -G Ninja -DDIGN_FUZZ=ON -DDIGN_SANITIZE=ON \
  -DDIGN_BUILD_TESTS=ON -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build-fuzz -j 2 --target cifar_binary_fuzz image_fuzz npy_fuzz checkpoint_fuzz \
  config_fuzz make_corpus
corpus=build-fuzz/corpus  # grows across runs
seeds=build-fuzz/seeds    # regenerated every run
rm -rf "$seeds"
build-fuzz/fuzz/make_corpus "$seeds"
printf "%-14s %10s %10s %8s %8s\n" target seconds executions exec/s cov
for target in cifar_binary image npy checkpoint config; do
  mkdir -p "build-fuzz/crashes/$target" "$corpus/$target"
  log=$(build-fuzz/fuzz/${target}_fuzz -max_total_time="$seconds" -print_final_stats=1 \
    -artifact_prefix="build-fuzz/crashes/$target/" "$corpus/$target" "$seeds/$target" 2>&1) || {
    echo "$log" | tail -30
    echo "fuzz: $target failed (a crash is saved in build-fuzz/crashes/$target/)"
    exit 1
  }
  runs=$(echo "$log" | sed -n 's/^stat::number_of_executed_units: *//p')
  rate=$(echo "$log" | sed -n 's/^stat::average_exec_per_sec: *//p')
  cov=$(echo "$log" | grep -oE "cov: [0-9]+" | tail -1 | cut -d' ' -f2)
  printf "%-14s %10s %10s %8s %8s\n" "$target" "$seconds" "$runs" "$rate" "$cov"
done
