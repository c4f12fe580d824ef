#!/usr/bin/env bash
set -euo pipefail
: "${GENWORLD:?}"
"$GENWORLD" --out "$TMPDIR/w" --people 40000
db=$TMPDIR/h.db
scan() { "$STEWARD" scan --policies "$ROOT/policies" --data "$TMPDIR/w" --db "$db" --as-of 2026-10-31 || [ $? -eq 1 ]; }  # 1: the consent gate fails (issue 5)
scan > /dev/null
runs=1
for i in $(seq 1 10); do
  # steward itself in the background (not a subshell running it), so that
  # the kill reaches it and it is dead before the checks below
  "$STEWARD" scan --policies "$ROOT/policies" --data "$TMPDIR/w" --db "$db" \
    --as-of 2026-10-31 > /dev/null 2>&1 &
  pid=$!
  # a random moment between 0 and ~5 s: profiling, identity resolution,
  # writing the run and committing it are all hit
  sleep "0.$(( RANDOM % 10 ))$(( RANDOM % 10 ))"; sleep $(( RANDOM % 5 ))
  kill -9 $pid 2>/dev/null || true
  wait $pid 2>/dev/null || true
  now=$(sqlite3 "$db" 'SELECT count(*) FROM runs')
  [ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ] || { echo "corrupt after kill $i"; exit 1; }
  if [ "$now" != "$runs" ] && [ "$now" != "$((runs + 1))" ]; then
    echo "kill $i: $now runs, expected $runs or $((runs + 1))"; exit 1
  fi
  echo "kill $i: $now runs"
  runs=$now
  # no half-written run: every run has every source
  [ "$(sqlite3 "$db" 'SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM inputs i WHERE i.run_id = r.id) != 4')" = 0 ]
done
"$STEWARD" audit verify --db "$db"
