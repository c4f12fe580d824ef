#!/usr/bin/env bash
set -euo pipefail
: "${GENWORLD:?}"
"$GENWORLD" --out "$TMPDIR/w" --people 40000
db=$TMPDIR/h.db
"$STEWARD" scan --policies "$ROOT/policies" --data "$TMPDIR/w" --db "$db" --as-of 2026-10-31 > "$TMPDIR/first" 2>&1 &
first=$!
# wait until the first holds the lock
for _ in $(seq 100); do [ -s "$db.lock" ] && break; sleep 0.05; done
if "$STEWARD" scan --policies "$ROOT/policies" --data "$TMPDIR/w" --db "$db" --as-of 2026-10-31 2> "$TMPDIR/second"; then
  echo "the second scan should have failed"; exit 1
fi
cat "$TMPDIR/second"
grep -q "another steward is writing to this history (pid $first since" "$TMPDIR/second"
wait $first || [ $? -eq 1 ]  # 1: the consent gate fails (issue 5)
cat "$TMPDIR/first"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM runs')" = 1 ]
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
