#!/usr/bin/env bash
set -euo pipefail
db=$TMPDIR/h.db
"$STEWARD" scan --policies "$ROOT/policies" --data "$ROOT/samples" --db "$db" --as-of 2026-10-31 || status=$?
# the sample plants consent violations and its consent rule is a gate
[ "${status:-0}" = 1 ]
status=0
"$STEWARD" scan --policies "$ROOT/policies" --data "$ROOT/samples/next-month" --db "$db" --as-of 2026-11-30 || status=$?
[ "$status" = 1 ]
[ "$(sqlite3 "$db" 'SELECT group_concat(gate_failed) FROM runs')" = 1,1 ]
"$STEWARD" runs --db "$db" | tee "$TMPDIR/runs"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM runs')" = 2 ]
"$STEWARD" show --db "$db" | tee "$TMPDIR/show"
grep -Eq "column 'phone_number' is missing; new column 'phone' looks like it: same value shapes, 9[0-9]% overlap" "$TMPDIR/show"
grep -q "support has not updated for 30 days; cadence P1D" "$TMPDIR/show"
# month 1 had neither (billing's newest row is 3 days old there, which
# its one-day cadence reports; support was current)
"$STEWARD" findings --run 1 --db "$db" --dimension integrity > "$TMPDIR/f1"
if grep -q "phone_number" "$TMPDIR/f1"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
if grep -q "support has not updated" "$TMPDIR/f1"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "billing has not updated for 3 days; cadence P1D" "$TMPDIR/f1"
# the profile of a month-1 attribute is there, with its validity
"$STEWARD" profile crm --run 1 --db "$db" --format csv > "$TMPDIR/p"
grep -q "^attribute,email," "$TMPDIR/p"
# the truth's counts: every record of every source was read
for src in crm billing support marketing; do
  want=$(grep -c "^$src," "$ROOT/samples/truth/identities.csv")
  got=$(sqlite3 "$db" "SELECT rows FROM inputs WHERE run_id = 1 AND source = '$src'")
  [ "$want" = "$got" ] || { echo "$src: $got rows, truth has $want"; exit 1; }
done
# fingerprints are the files' SHA-256
[ "$(sqlite3 "$db" "SELECT sha256 FROM inputs WHERE run_id = 1 AND source = 'crm'")" = \
  "$(sha256sum "$ROOT/samples/crm.csv" | cut -d' ' -f1)" ]
"$STEWARD" audit verify --db "$db"
