#!/usr/bin/env bash
set -euo pipefail
data=$TMPDIR/data
mkdir -p "$data"
# the CRM: 4 records, one without an email; C4 is C1's duplicate; C2
# disagrees with billing about payment status
printf 'id,at,email,status\nC1,2026-10-01,ann@x.com,current\nC2,2026-10-01,bo@x.com,current\nC3,2026-10-01,,current\nC4,2026-09-01,ann@x.com,current\n' > "$data/crm.csv"
sqlite3 "$data/billing.sqlite" "CREATE TABLE accounts(acct TEXT PRIMARY KEY, at TEXT, email TEXT, status TEXT);
  INSERT INTO accounts VALUES('B1', '2026-10-01', 'ann@x.com', 'current');
  INSERT INTO accounts VALUES('B2', '2026-10-01', 'bo@x.com', 'overdue');"
db=$TMPDIR/h.db
"$STEWARD" scan --policies policies --data "$data" --db "$db" --as-of 2026-10-31 > /dev/null

score() { # scope subject attribute dimension
  sqlite3 "$db" "SELECT printf('%.4f', score) FROM scores WHERE run_id = 1 AND scope = '$1'
    AND subject = '$2' AND attribute = '$3' AND dimension = '$4'"
}
# completeness of the CRM's emails: 3 of 4 present
[ "$(score cell crm email completeness)" = 75.0000 ]
# consistency of the CRM's payment status: C2 disagrees, 1 of 4 copies
[ "$(score cell crm payment_status consistency)" = 75.0000 ]
# uniqueness of the CRM: 1 duplicate of 4 records (billing has none)
[ "$(score source crm '' uniqueness)" = 75.0000 ]
[ "$(score source billing '' uniqueness)" = 100.0000 ]
# the CRM's email cell total: completeness and consistency weigh half each
c=$(score cell crm email completeness); k=$(score cell crm email consistency)
[ "$(score cell crm email total)" = "$(awk -v c="$c" -v k="$k" 'BEGIN { printf "%.4f", (c + k) / 2 }')" ]
# grades from the policy's bands
[ "$(sqlite3 "$db" "SELECT grade FROM scores WHERE scope = 'cell' AND subject = 'crm'
  AND attribute = 'email' AND dimension = 'completeness'")" = poor ]
# the parameters are kept with the scores
[ "$(sqlite3 "$db" "SELECT value FROM score_params WHERE kind = 'weight' AND name = 'consistency'")" = 0.5 ]
[ "$(sqlite3 "$db" "SELECT value FROM score_params WHERE kind = 'source' AND name = 'billing'")" = billing-ops ]

# steward scores: sources, owners, overall by default; filters
"$STEWARD" scores --db "$db" --format csv > "$TMPDIR/out"
head -1 "$TMPDIR/out" | grep -x 'scope,subject,attribute,completeness,validity,timeliness,uniqueness,consistency,integrity,compliance,total,grade' >/dev/null
grep -q '^source,crm,,' "$TMPDIR/out"
grep -q '^owner,billing-ops,,' "$TMPDIR/out"
grep -q '^overall,,,' "$TMPDIR/out"
if grep -q '^cell,' "$TMPDIR/out"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
"$STEWARD" scores --db "$db" --owner billing-ops --scope cell --format csv > "$TMPDIR/out"
# billing-ops: billing's cells, and payment status in the CRM
grep -q '^cell,billing,email,' "$TMPDIR/out"
grep -q '^cell,crm,payment_status,' "$TMPDIR/out"
if grep -q '^cell,crm,email,' "$TMPDIR/out"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
"$STEWARD" scores --db "$db" --long --source crm --scope source --format csv > "$TMPDIR/out"
grep -q '^source,crm,,uniqueness,75.0,poor,1 duplicates of 4 records$' "$TMPDIR/out"
if "$STEWARD" scores --db "$db" --owner nobody 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "no scores for owner 'nobody'" "$TMPDIR/err"
if "$STEWARD" scores --db "$db" --scope cells 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "scope takes cell, source, owner or overall" "$TMPDIR/err"

# recompute DB: exit 1, its output in $TMPDIR/out
mismatch() {
  set +e
  "$STEWARD" audit recompute "$@" > "$TMPDIR/out"; local rc=$?
  set -e
  [ "$rc" = 1 ] || { echo "audit recompute $*: exit $rc, not 1" >&2; exit 1; }
}

# recompute: all match
"$STEWARD" audit recompute --db "$db" > "$TMPDIR/out"
grep -q '^run 1: [0-9]* scores recomputed, all match$' "$TMPDIR/out"
# a changed input is caught, and named
cp "$db" "$TMPDIR/t.db"
sqlite3 "$TMPDIR/t.db" "UPDATE metrics SET value = 0.5 WHERE source = 'crm' AND target = 'email' AND metric = 'present_share'"
mismatch 1 --db "$TMPDIR/t.db"
grep -q 'run 1: MISMATCH: .* first: score [0-9]* (cell crm/email, completeness): stored 75.000000, recomputed 50.000000' "$TMPDIR/out"
# and so is a changed score
cp "$db" "$TMPDIR/t.db"
sqlite3 "$TMPDIR/t.db" "UPDATE scores SET score = 99 WHERE scope = 'overall' AND dimension = 'total'"
mismatch --db "$TMPDIR/t.db"
grep -q '(overall , total): stored 99.000000' "$TMPDIR/out"
# and scores deleted, and a parameter steward would not write
cp "$db" "$TMPDIR/t.db"
sqlite3 "$TMPDIR/t.db" "DELETE FROM scores"
mismatch --db "$TMPDIR/t.db"
grep -q 'run 1: MISMATCH: 0 of 0 stored scores match the recomputation; first: score 1 (cell crm/email, completeness) is recomputed but not stored' "$TMPDIR/out"
cp "$db" "$TMPDIR/t.db"
sqlite3 "$TMPDIR/t.db" "UPDATE score_params SET value = 'heavy' WHERE kind = 'weight' AND name = 'validity'"
mismatch --db "$TMPDIR/t.db"
grep -q "first: scoring parameter 2 (weight 'validity' = 'heavy') is not one steward writes" "$TMPDIR/out"
if "$STEWARD" audit recompute 7 --db "$db" 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi

# --no-reconcile: identities, but no proposals, and so no consistency or
# compliance scores; the scores that remain recompute
db2=$TMPDIR/n.db
"$STEWARD" scan --policies policies --data "$data" --db "$db2" --as-of 2026-10-31 --no-reconcile > "$TMPDIR/out"
if grep -q '^reconciliation:' "$TMPDIR/out"; then echo "line $LINENO: reconciliation ran" >&2; exit 1; fi
[ "$(sqlite3 "$db2" "SELECT count(*) FROM entities")" -gt 0 ]
[ "$(sqlite3 "$db2" "SELECT count(*) FROM proposals")" = 0 ]
[ "$(sqlite3 "$db2" "SELECT count(*) FROM scores WHERE dimension IN ('consistency', 'compliance')")" = 0 ]
[ "$(sqlite3 "$db2" "SELECT count(*) FROM scores WHERE dimension = 'uniqueness'")" -gt 0 ]
"$STEWARD" audit recompute --db "$db2" | grep 'all match' >/dev/null
