#!/usr/bin/env bash
set -euo pipefail
db=$TMPDIR/h.db
for i in 1 2 3; do
  "$STEWARD" scan --policies "$ROOT/policies" --data "$ROOT/samples" --db "$db" --as-of 2026-10-31 >/dev/null || [ $? -eq 1 ]  # 1: the sample policy's consent gate fails (issue 5)
done
"$STEWARD" audit verify --db "$db"
sqlite3 "$db" "UPDATE findings SET count = count + 1 WHERE run_id = 2 AND seq = 1"
if "$STEWARD" audit verify --db "$db" > "$TMPDIR/out"; then
  echo "tampering not detected"; exit 1
else
  [ $? = 1 ]
fi
cat "$TMPDIR/out"
grep -q "history chain broken at run 2" "$TMPDIR/out"
