#!/usr/bin/env bash
# bench/reconcile/run.sh measures; this holds the measurements to the
# issue's targets
set -euo pipefail
bash "$ROOT/bench/reconcile/run.sh" "$STEWARD" | tee "$TMPDIR/out"
awk '$1 == "conflicts" { p = $9; r = $11; exit !(p >= 0.97 && r >= 0.97) }' "$TMPDIR/out"
grep -q "^consent violations planted 21  found 21  both 21  the rule counts 21$" "$TMPDIR/out"
# 2 of the 284 holders are CRM records identity does not join to their
# ticket (docs/reconciliation.md); no fewer than 282 are proposed
awk '$1 == "confirmed" { exit !($4 == 284 && $9 >= 282) }' "$TMPDIR/out"
grep -q "^duplicates         crm: planted 419  merges proposed 419$" "$TMPDIR/out"
grep -q "^duplicates         billing: planted 48  merges proposed 48$" "$TMPDIR/out"
grep -q "^duplicates         marketing: planted 67  merges proposed 67$" "$TMPDIR/out"
# the gate: a scan of the samples exits 1, and says why
status=0
"$STEWARD" scan --policies "$ROOT/policies" --data "$ROOT/samples" --db "$TMPDIR/h.db" \
  --as-of 2026-10-31 > /dev/null || status=$?
[ "$status" = 1 ]
"$STEWARD" findings --db "$TMPDIR/h.db" --dimension compliance --format csv |
  grep -q "critical,compliance,consent,compliance,compliance.consent,21,"
