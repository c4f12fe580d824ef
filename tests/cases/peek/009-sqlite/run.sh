#!/usr/bin/env bash
set -euo pipefail
mkdir -p "$TMPDIR/data"
sqlite3 "$TMPDIR/data/billing.sqlite" <<'SQL'
CREATE TABLE accounts(account_no TEXT PRIMARY KEY, customer_name TEXT, balance INTEGER, rate REAL, status TEXT);
INSERT INTO accounts VALUES('B-1', 'GREEN, Mitchell', 1250, 0.1, 'Current');
INSERT INTO accounts VALUES('B-2', NULL, -5, 2.5e10, 'OVERDUE');
SQL
out=$("$STEWARD" peek billing --policies policies --data "$TMPDIR/data" --raw)
echo "$out"
diff <(echo "$out") expected-raw
out=$("$STEWARD" peek billing --policies policies --data "$TMPDIR/data")
echo "$out"
diff <(echo "$out") expected-mapped
# a CSV file where the database should be
printf 'a,b\n1,2\n' > "$TMPDIR/data/billing.sqlite"
if "$STEWARD" peek billing --policies policies --data "$TMPDIR/data" 2> "$TMPDIR/err"; then
  echo "expected failure"; exit 1
fi
cat "$TMPDIR/err"
grep -q "billing.sqlite: source 'billing': cannot read the table: file is not a database" "$TMPDIR/err"
