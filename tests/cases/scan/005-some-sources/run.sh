#!/usr/bin/env bash
set -euo pipefail
trap 'echo "run.sh: failed at line $LINENO" >&2' ERR
db=$TMPDIR/h.db
scan() { "$STEWARD" scan --policies "$ROOT/policies" --db "$db" --as-of 2026-10-31 "$@"; }

# unknown source, bad thread counts: usage errors, nothing recorded
if scan --source crm --source nope 2> "$TMPDIR/err"; then exit 1; fi
grep -q "scan: --source 'nope' is not a source of the policy (sources: crm, billing, support, marketing)" "$TMPDIR/err"
for t in 0 17 x; do
  if scan --threads "$t" 2> "$TMPDIR/err"; then exit 1; fi
  grep -q "scan: --threads takes a number from 1 to 16, not '$t'" "$TMPDIR/err"
done
[ ! -e "$db" ] || [ "$(sqlite3 "$db" 'SELECT count(*) FROM runs')" = 0 ]

# one source, then another: each run holds only its sources
scan --source crm --timings 2> "$TMPDIR/timings" > /dev/null
grep -Eq '^timings: crm: 3076 records, [0-9.]+ s, [0-9.]+ s of CPU; SHA-256 [0-9.]+ s of CPU \([0-9.]+% of the source.s time, [0-9.]+% of its CPU\)$' "$TMPDIR/timings"
[ "$(wc -l < "$TMPDIR/timings")" = 1 ]
scan --source billing --source support > /dev/null
[ "$(sqlite3 "$db" "SELECT group_concat(source, ',') FROM inputs WHERE run_id = 1")" = crm ]
[ "$(sqlite3 "$db" "SELECT group_concat(source, ',') FROM (SELECT source FROM inputs WHERE run_id = 2 ORDER BY source)")" = billing,support ]

# crm again, next month: compared with run 1 (its own last scan), so the
# renamed column is found even though run 2 did not read crm
"$STEWARD" scan --policies "$ROOT/policies" --data "$ROOT/samples/next-month" --db "$db" \
  --as-of 2026-11-30 --source crm > /dev/null
sqlite3 "$db" "SELECT rule FROM findings WHERE run_id = 3 AND source = 'crm'" | grep -x 'integrity.column-renamed' >/dev/null

# the same profiles whatever the thread count (the top values of columns
# with more distinct values than counters aside: Space-Saving merges)
q="SELECT source, kind, name, rows, present, empty, distinct_count, min, max, len_min, len_max,
   invalid, reasons, numeric_share, age_median, age_p90, age_max, stale, round(freshness, 9),
   hex(sketch), CASE WHEN distinct_count <= 20 THEN top_values END FROM profiles ORDER BY 1, 2, 3"
for t in 1 2 5; do
  rm -f "$TMPDIR/t.db"*
  "$STEWARD" scan --policies "$ROOT/policies" --db "$TMPDIR/t.db" --as-of 2026-10-31 --threads "$t" > /dev/null || [ $? -eq 1 ]  # 1: the sample policy's consent gate fails (issue 5)
  sqlite3 "$TMPDIR/t.db" "$q" > "$TMPDIR/profiles-$t"
done
cmp "$TMPDIR/profiles-1" "$TMPDIR/profiles-2"
cmp "$TMPDIR/profiles-1" "$TMPDIR/profiles-5"
echo ok
