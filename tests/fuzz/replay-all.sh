#!/usr/bin/env bash
# replay-all.sh DIR: replay each saved corpus tests/fuzz/corpus/NAME/ through
# DIR/replay_fuzz_NAME.  Fails if a target has no corpus or any input crashes.
set -euo pipefail
dir=$1
cd "$(dirname "$0")"
status=0 total=0 targets=0
for src in fuzz_*.c; do
  name=${src%.c}; name=${name#fuzz_}
  corpus=corpus/$name
  files=("$corpus"/*)
  if [ ! -e "${files[0]}" ]; then
    echo "fuzz replay: $name has no saved corpus in tests/fuzz/$corpus" >&2
    status=1; continue
  fi
  if ! "../../$dir/replay_fuzz_$name" "${files[@]}"; then
    echo "fuzz replay: $name FAILED" >&2
    status=1
  fi
  total=$((total + ${#files[@]})); targets=$((targets + 1))
done
echo "fuzz replay: $targets targets, $total inputs"
exit $status
