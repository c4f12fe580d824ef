#!/usr/bin/env bash
set -euo pipefail
data=$TMPDIR/data
mkdir -p "$data"
printf 'id,at,customer,status,email\nC1,2026-10-01,K1,current,ann@x.com\nC2,2026-10-05,K1,overdue,ann@x.com\n' > "$data/crm.csv"
printf 'id,at,customer,status,email\nB1,2026-10-20,K1,bogus,ann..@x\n' > "$data/billing.csv"
db=$TMPDIR/h.db
"$STEWARD" scan --policies policies --data "$data" --db "$db" --as-of 2026-10-31 > /dev/null
"$STEWARD" proposals --db "$db" --format csv > "$TMPDIR/p.csv"
cat "$TMPDIR/p.csv"
reason() { awk -F, -v k="$1" -v a="$2" '$5 == k && $6 == a' "$TMPDIR/p.csv"; }
# the only usable address, for the system of record's invalid one
reason B1 email | grep "^[0-9]*,update,.*'ann@x.com' (crm C2) is the only usable Email; billing B1 says 'ann..@x', which is not a valid Email, crm C2 says 'ann@x.com'" > /dev/null
# two usable statuses, the older one superseded by its own source's newer
# record: no runner-up to name, but still a tie a person must break
reason C1 status | grep "^[0-9]*,flag,.*nothing but the tie-break sets 'overdue' (crm C2) apart from what older records of crm say: a person must decide; crm C1 says 'current', crm C2 says 'overdue'" > /dev/null
reason B1 status | grep "^[0-9]*,update,.*billing B1 says 'bogus', which is not a valid Status, crm C2 says 'overdue'" > /dev/null
# invalid values are not conflicts; the older status is
[ "$(sqlite3 "$db" "SELECT group_concat(record_key || ':' || attribute) FROM conflicts")" = "C1:status" ]
