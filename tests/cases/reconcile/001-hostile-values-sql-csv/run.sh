#!/usr/bin/env bash
# Proposals as a CSV changeset and as SQL, with values that would run as
# SQL or as spreadsheet formulas: the SQL applied to the SQLite source
# writes them exactly and runs nothing else; the CSV defuses formulas.
set -euo pipefail
data=$TMPDIR/data
mkdir -p "$data"
cat > "$data/crm.csv" <<'CSV'
id,at,email,family,status
C1,2026-10-01,ann@x.com,"O'Brien""; DROP TABLE x; --",current
C2,2026-10-01,bo@x.com,"=HYPERLINK(""http://x"")",current
CSV
sqlite3 "$data/billing.sqlite" <<'SQL'
CREATE TABLE accounts(acct TEXT PRIMARY KEY, at TEXT, email TEXT, family TEXT, status TEXT);
CREATE TABLE x(y);
INSERT INTO accounts VALUES('B1', '2026-09-01', 'ann@x.com', 'OBrien', 'overdue');
INSERT INTO accounts VALUES('B2', '2026-09-01', 'bo@x.com', 'Hyper', 'current');
SQL
db=$TMPDIR/h.db
"$STEWARD" scan --policies policies --data "$data" --db "$db" --as-of 2026-10-31 > /dev/null

# billing owns payment status: the CRM is told, with the reason
"$STEWARD" proposals --db "$db" --source crm > "$TMPDIR/table"
cat "$TMPDIR/table"
grep -q "billing is the system of record for payment_status; crm C1 says 'current', billing B1 says 'overdue' as of 2026-09-01." <(
  "$STEWARD" proposals --db "$db" --source crm --format json | tr -d '\n')

# the CSV changeset: the exact header, a defused formula
"$STEWARD" proposals --db "$db" --source billing --format csv > "$TMPDIR/csv"
cat "$TMPDIR/csv"
head -1 "$TMPDIR/csv" | grep -x 'id,kind,status,source,record_key,attribute,field,current,proposed,confidence,rule,owner,entity,origin_source,origin_key,origin_date,reason,decision,reviewer,reviewed_at,note,rests_on' >/dev/null
grep -qF ',"'"'"'=HYPERLINK(""http://x"")",' "$TMPDIR/csv"
if grep -q ',=HYPERLINK' "$TMPDIR/csv"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi

# the SQL, applied to a copy of billing, writes the values and nothing else
"$STEWARD" proposals --db "$db" --policies policies --source billing --format sql > "$TMPDIR/sql"
cat "$TMPDIR/sql"
[ "$(grep -c '^UPDATE' "$TMPDIR/sql")" = 2 ]
cp "$data/billing.sqlite" "$TMPDIR/copy.sqlite"
sqlite3 "$TMPDIR/copy.sqlite" < "$TMPDIR/sql"
[ "$(sqlite3 "$TMPDIR/copy.sqlite" "SELECT family FROM accounts WHERE acct = 'B1'")" = "O'Brien\"; DROP TABLE x; --" ]
[ "$(sqlite3 "$TMPDIR/copy.sqlite" "SELECT family FROM accounts WHERE acct = 'B2'")" = '=HYPERLINK("http://x")' ]
sqlite3 "$TMPDIR/copy.sqlite" "SELECT count(*) FROM x" > /dev/null
# proposals to a CSV source are not SQL
"$STEWARD" proposals --db "$db" --policies policies --source crm --format sql | grep "not applied here: not a SQLite source; use --format csv" >/dev/null

# the conflicts and golden values are in the history, in the hash chain
[ "$(sqlite3 "$db" "SELECT count(*) FROM conflicts WHERE source = 'billing' AND attribute = 'family_name'")" = 2 ]
[ "$(sqlite3 "$db" "SELECT value FROM golden_values WHERE attribute = 'payment_status' AND record_key = 'B1'")" = overdue ]
"$STEWARD" audit verify --db "$db" > /dev/null
sqlite3 "$db" "UPDATE proposals SET proposed = 'tampered' WHERE record_key = 'C1'"
if "$STEWARD" audit verify --db "$db" > /dev/null 2>&1; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi

# bad options
if "$STEWARD" proposals --db "$db" --status maybe 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "unknown status 'maybe'" "$TMPDIR/err"
if "$STEWARD" proposals --db "$db" --format xml 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "unknown format 'xml'" "$TMPDIR/err"
