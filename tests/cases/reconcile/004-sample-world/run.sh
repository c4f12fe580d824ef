#!/usr/bin/env bash
# bench/reconcile/run.sh measures; this holds the measurements to the
# issue's targets
set -euo pipefail
bash "$ROOT/bench/reconcile/run.sh" "$STEWARD" | tee "$TMPDIR/out"
awk '$1 == "conflicts" { p = $9; r = $11; exit !(p >= 0.97 && r >= 0.97) }' "$TMPDIR/out"
grep -q "^consent violations planted 21  found 21  both 21  the rule counts 21$" "$TMPDIR/out"
# 1 of the 284 holders is a CRM record identity does not join to its
# ticket (docs/reconciliation.md); no fewer than 283 are proposed
awk '$1 == "confirmed" { exit !($4 == 284 && $9 >= 283) }' "$TMPDIR/out"
grep -q "^duplicates         crm: planted 419  merges proposed 419$" "$TMPDIR/out"
grep -q "^duplicates         billing: planted 48  merges proposed 48$" "$TMPDIR/out"
grep -q "^duplicates         marketing: planted 67  merges proposed 67$" "$TMPDIR/out"
# the gate: a scan of the samples exits 1, and says why
status=0
"$STEWARD" scan --policies "$ROOT/policies" --data "$ROOT/samples" --db "$TMPDIR/h.db" \
  --as-of 2026-10-31 > /dev/null || status=$?
[ "$status" = 1 ]
"$STEWARD" findings --db "$TMPDIR/h.db" --dimension compliance --format csv |
  grep "critical,compliance,consent,compliance,compliance.consent,21," > /dev/null
# an address no mailbox can have is matched as the one it slips from, and
# does not survive as the golden value even in the system of record: the
# ticket's address is proposed for it, and the reason says why
"$STEWARD" proposals --db "$TMPDIR/h.db" --source crm --format csv |
  grep "^[0-9]*,update,[a-z-]*,crm,C0002404,email,email,gurpreet..ahmed@btinternet.com,gurpreet.ahmed@btinternet.com,.*which is not a valid Email address" > /dev/null
