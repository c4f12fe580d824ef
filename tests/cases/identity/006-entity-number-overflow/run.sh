#!/usr/bin/env bash
# An entity id is E and up to 14 digits.  A history whose ids were edited
# past that makes the next new person's number unwritable: the scan says
# so and records nothing, instead of cutting the id short (two people
# would share it).
set -euo pipefail
db=$TMPDIR/h.db
status=0
"$STEWARD" scan --policies "$ROOT/policies" --data "$ROOT/samples" --db "$db" \
  --as-of 2026-10-31 > /dev/null || status=$?
[ "$status" = 1 ]	# the consent gate
# set_max ID REACHES: the history's largest entity edited to ID; November's
# scan, which has new people, fails saying the entities reach REACHES
set_max() {
  sqlite3 "$db" "UPDATE entities SET entity = '$1' WHERE entity = (SELECT max(entity) FROM entities)"
  status=0
  "$STEWARD" scan --policies "$ROOT/policies" --data "$ROOT/samples/next-month" --db "$db" \
    --as-of 2026-11-30 > "$TMPDIR/out" 2> "$TMPDIR/err" || status=$?
  cat "$TMPDIR/err"
  [ "$status" = 2 ]
  grep "entity number 100000000000000 does not fit an entity id (E and at most 14 digits): the history's entities reach $2; restore the history from a backup, or start a new one with --db" "$TMPDIR/err" > /dev/null
  [ "$(sqlite3 "$db" "SELECT count(*) FROM runs")" = 1 ]
  [ "$(sqlite3 "$db" "PRAGMA integrity_check")" = ok ]
}
set_max E99999999999999 E99999999999999
# an id past what a 64-bit number holds reads as the largest one: no
# overflow counting on from it
set_max E99999999999999999999 E9223372036854775807
