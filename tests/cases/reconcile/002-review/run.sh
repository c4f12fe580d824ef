#!/usr/bin/env bash
set -euo pipefail
data=$TMPDIR/data
mkdir -p "$data"
crm() { printf 'id,at,email,family,status\nC1,2026-10-01,ann@x.com,Smith,%s\nC2,2026-10-01,bo@x.com,Ek,current\n' "$1" > "$data/crm.csv"; }
billing() {
  rm -f "$data/billing.sqlite"
  sqlite3 "$data/billing.sqlite" "CREATE TABLE accounts(acct TEXT PRIMARY KEY, at TEXT, email TEXT, family TEXT, status TEXT);
    INSERT INTO accounts VALUES('B1', '2026-09-01', 'ann@x.com', '$1', 'overdue');
    INSERT INTO accounts VALUES('B2', '2026-09-01', 'bo@x.com', 'Ek', 'current');"
}
db=$TMPDIR/h.db
scan() { "$STEWARD" scan --policies policies --data "$data" --db "$db" --as-of "$1" > /dev/null; }
id_of() { # source key attribute
  "$STEWARD" proposals --db "$db" --format csv | awk -F, -v s="$1" -v k="$2" -v a="$3" \
    '$4 == s && $5 == k && $6 == a { print $1 }'
}
crm current; billing Smyth
scan 2026-10-31
fam=$(id_of billing B1 family_name); pay=$(id_of crm C1 payment_status)
[ -n "$fam" ] && [ -n "$pay" ]

# refused: no reviewer, not an id, no such proposal
if "$STEWARD" review reject "$fam" --db "$db" 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "say who decides with --by NAME" "$TMPDIR/err"
if "$STEWARD" review reject x1 --by ana --db "$db" 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "'x1' is not a proposal id" "$TMPDIR/err"
if "$STEWARD" review accept 999 --by ana --db "$db" 2> "$TMPDIR/err"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
grep -q "there is no proposal 999" "$TMPDIR/err"

"$STEWARD" review reject "$fam" --by "Ana Owner" --note "the CRM is wrong here" --db "$db"
"$STEWARD" review accept "$pay" --by "Bea Billing" --db "$db"
"$STEWARD" proposals --db "$db" --format json | tr -d '\n' > "$TMPDIR/json"
grep -q '"decision": "reject", "reviewer": "Ana Owner", "reviewed_at": "20[0-9-]*T[0-9:]*Z", "note": "the CRM is wrong here"' "$TMPDIR/json"
[ "$("$STEWARD" proposals --db "$db" --status rejected --format csv | wc -l)" = 2 ]
# never changed, never deleted
if sqlite3 "$db" "DELETE FROM reviews" 2> /dev/null; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
if sqlite3 "$db" "UPDATE reviews SET decision = 'accept'" 2> /dev/null; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi
[ "$(sqlite3 "$db" "SELECT count(*) FROM reviews")" = 2 ]

# the same data next month: the rejection holds, the acceptance is carried
scan 2026-11-30
[ -z "$(id_of billing B1 family_name)" ]
[ "$(sqlite3 "$db" "SELECT value FROM metrics WHERE run_id = 2 AND source = 'reconcile' AND metric = 'rejected_before'")" = 1.0 ]
"$STEWARD" proposals --db "$db" --format csv | grep ',accepted,crm,C1,payment_status,' >/dev/null

# the data the rejection rested on changed: proposed again
billing Smithe
scan 2026-12-31
[ -n "$(id_of billing B1 family_name)" ]
# the CRM now agrees with billing: nothing left to propose there
crm overdue
scan 2027-01-31
[ -z "$(id_of crm C1 payment_status)" ]
"$STEWARD" audit verify --db "$db" > /dev/null
