#!/usr/bin/env bash
# CI's source checks: every C++ file is formatted as .clang-format says, and none is longer
# than 400 lines (a longer file usually holds more than one concept).
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files '*.cpp' '*.h')
status=0
if ! clang-format --dry-run -Werror "${files[@]}" 2>/tmp/dign-format.$$; then
  grep -E "^[^ ].*: (error|warning):" /tmp/dign-format.$$ | cut -d: -f1 | sort -u |
    sed 's/^/check-source: not clang-formatted (clang-format -i FILE): /'
  status=1
fi
rm -f /tmp/dign-format.$$
for f in "${files[@]}"; do
  n=$(wc -l <"$f")
  if [ "$n" -gt 400 ]; then
    echo "check-source: $f has $n lines (at most 400: split it along its concepts)"
    status=1
  fi
done
[ $status -eq 0 ] && echo "check-source: ${#files[@]} files formatted, none over 400 lines"
exit $status
