#!/bin/sh
# The corruptions' draws do not depend on the C++ standard library: builds
# tests/corrupt/rng_digest.cpp with clang++ -stdlib=libc++ and compares its digest with the
# one the same source prints built normally (libstdc++). Run by ctest as corrupt_rng_libcxx.
#
#   rng_libcxx.sh REFERENCE_DIGEST_BINARY CLANGXX SOURCE_DIR WORK_DIR
set -eu
reference=$1 clangxx=$2 source=$3 work=$4
mkdir -p "$work"
"$clangxx" -std=c++17 -O2 -Wall -Wextra -ffp-contract=off -stdlib=libc++ -I"$source/src" \
  "$source/tests/corrupt/rng_digest.cpp" -o "$work/rng_digest_libcxx"
expected=$("$reference")
got=$("$work/rng_digest_libcxx")
echo "reference: $expected"
echo "libc++:    $got"
case $expected in
  "libstdc++ "*) ;;
  *) echo "rng_libcxx: the reference build does not use libstdc++: nothing to compare" >&2; exit 1 ;;
esac
case $got in
  "libc++ "*) ;;
  *) echo "rng_libcxx: $clangxx -stdlib=libc++ did not build against libc++" >&2; exit 1 ;;
esac
if [ "${expected#* }" != "${got#* }" ]; then
  echo "rng_libcxx: the digests differ: corrupt::Rng draws depend on the standard library" >&2
  exit 1
fi
echo "rng_libcxx: equal digests"
