#!/usr/bin/env bash
# run-unit.sh BIN...: run each cmocka test binary; fail if any fails.
set -uo pipefail
cd "$(dirname "$0")/.."
failed=0
for t in "$@"; do
  if ! "$t"; then
    echo "unit: $t FAILED" >&2
    failed=1
  fi
done
exit $failed
