#!/usr/bin/env bash
# Every sample source of both months reads with the shipped policies without
# a reader problem, with the record counts the truth files give.
set -euo pipefail
for month in samples samples/next-month; do
  for src in crm billing support marketing; do
    want=$(grep -c "^$src," "$ROOT/$month/truth/identities.csv")
    out=$("$STEWARD" peek "$src" --policies "$ROOT/policies" --data "$ROOT/$month" --count 2>&1)
    echo "$month: $out"
    grep -q "^$src: $want records read; 0 problems;" <<< "$out"
  done
done
