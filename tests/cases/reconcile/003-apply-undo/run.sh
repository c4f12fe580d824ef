#!/usr/bin/env bash
set -euo pipefail
data=$TMPDIR/data
mkdir -p "$data"
cat > "$data/crm.csv" <<'CSV'
id,at,email,family,status
C1,2026-10-01,ann@x.com,"O'Brien""; DROP TABLE x; --",current
C2,2026-10-01,bo@x.com,"=HYPERLINK(""http://x"")",current
C3,2026-10-01,cy@x.com,Lund,current
CSV
sqlite3 "$data/billing.sqlite" <<'SQL'
CREATE TABLE accounts(acct TEXT PRIMARY KEY, at TEXT, email TEXT, family TEXT, status TEXT);
CREATE TABLE x(y);
INSERT INTO accounts VALUES('B1', '2026-09-01', 'ann@x.com', 'OBrien', 'overdue');
INSERT INTO accounts VALUES('B2', '2026-09-01', 'bo@x.com', 'Hyper', 'current');
INSERT INTO accounts VALUES('B3', '2026-09-01', 'cy@x.com', 'Lundt', 'current');
SQL
db=$TMPDIR/h.db
S=("$STEWARD")
"${S[@]}" scan --policies policies --data "$data" --db "$db" --as-of 2026-10-31 > /dev/null
ids=$("${S[@]}" proposals --db "$db" --source billing --format csv | awk -F, 'NR > 1 { print $1 }' | tr '\n' ' ')
[ "$(echo $ids | wc -w)" = 3 ]
# nothing is approved yet (review 0.40 < confidence < auto-approve 0.95)
a() { "${S[@]}" apply --db "$db" --policies policies --data "$data" "$@"; }
a --source billing | tee "$TMPDIR/dry0"
grep -q "^dry run: 0 changes to billing (table accounts) from run 1" "$TMPDIR/dry0"
"${S[@]}" review accept $ids --by ana --db "$db" > /dev/null
cp "$data/billing.sqlite" "$TMPDIR/before.sqlite"

# a dry run changes nothing
a --source billing | tee "$TMPDIR/dry"
grep -q "^dry run: 3 changes to billing (table accounts) from run 1, 0 skipped" "$TMPDIR/dry"
cmp "$data/billing.sqlite" "$TMPDIR/before.sqlite"
[ "$(sqlite3 "$db" "SELECT count(*) FROM applies")" = 0 ]

# --commit: in one transaction, the values exactly, x still there
a --source billing --commit --by ana | tee "$TMPDIR/apply"
grep -q "^apply 1: 3 changes to billing (table accounts), 0 skipped; undo with: steward apply --undo 1" "$TMPDIR/apply"
[ "$(sqlite3 "$data/billing.sqlite" "SELECT family FROM accounts WHERE acct = 'B1'")" = "O'Brien\"; DROP TABLE x; --" ]
[ "$(sqlite3 "$data/billing.sqlite" "SELECT family FROM accounts WHERE acct = 'B2'")" = '=HYPERLINK("http://x")' ]
[ "$(sqlite3 "$data/billing.sqlite" "SELECT family FROM accounts WHERE acct = 'B3'")" = Lund ]
sqlite3 "$data/billing.sqlite" "SELECT count(*) FROM x" > /dev/null
[ "$(sqlite3 "$db" "SELECT before || '>' || after FROM applied_changes WHERE record_key = 'B3'")" = 'Lundt>Lund' ]
# not applied twice
a --source billing --commit | grep "^nothing to change in billing (table accounts): 3 skipped" >/dev/null

# someone edits B3 by hand; undo restores B1 and B2 and keeps B3
sqlite3 "$data/billing.sqlite" "UPDATE accounts SET family = 'Lunde' WHERE acct = 'B3'"
a --undo 1 --by ana | tee "$TMPDIR/undo"
grep -q "^apply 2 undid apply 1: 2 values restored, 1 changed since and kept" "$TMPDIR/undo"
[ "$(sqlite3 "$data/billing.sqlite" "SELECT family FROM accounts WHERE acct = 'B1'")" = OBrien ]
[ "$(sqlite3 "$data/billing.sqlite" "SELECT family FROM accounts WHERE acct = 'B2'")" = Hyper ]
[ "$(sqlite3 "$data/billing.sqlite" "SELECT family FROM accounts WHERE acct = 'B3'")" = Lunde ]
if a --undo 1 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "apply 1 was undone already" "$TMPDIR/err"
if a --undo 2 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "apply 2 is itself an undo" "$TMPDIR/err"
if a --undo 9 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "there is no apply 9" "$TMPDIR/err"
# undone: the proposals can be applied again
a --source billing | grep "^dry run: 3 changes" >/dev/null

# never changed or deleted
if sqlite3 "$db" "DELETE FROM applied_changes" 2> /dev/null; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
if sqlite3 "$db" "UPDATE applies SET by = 'eve'" 2> /dev/null; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
# a CSV source: refused, with what to do
if a --source crm 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "'crm' is not a SQLite source read from a table; export its changes with steward proposals --format csv --source crm" "$TMPDIR/err"
if a 2> /dev/null; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
if a --source billing --undo 1 2> /dev/null; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
"${S[@]}" audit verify --db "$db" > /dev/null
