#!/usr/bin/env bash
set -euo pipefail
data=$TMPDIR/data
mkdir -p "$data"
# 100,000 people with their own names; every one gives the placeholder
# email or phone; 500 records with no name, email or phone at all
awk 'BEGIN {
  print "id,given,family,email,phone"
  for (i = 1; i <= 100000; i++)
    printf "P%06d,g%d,f%d,%s,%s\n", i, i, i, "noemail@example.com", (i % 2 ? "0000000000" : "+4479" i)
  for (i = 1; i <= 100000; i += 2)
    printf "Q%06d,h%d,k%d,q%d@example.com,0000000000\n", i, i, i, i
  for (i = 1; i <= 500; i++)
    printf "E%04d,,,,\n", i
}' > "$data/people.csv"
db=$TMPDIR/h.db
start=$(date +%s)
"$STEWARD" scan --policies policies --data "$data" --db "$db" --as-of 2026-10-31 | tee "$TMPDIR/scan"
took=$(( $(date +%s) - start ))
echo "scan took $took s"
[ "$took" -lt 60 ]
# both placeholders found and reported with their counts
"$STEWARD" findings --db "$db" --source identity --format csv | tee "$TMPDIR/f"
grep -q "identity.placeholder" "$TMPDIR/f"
grep -q "email 'noemail@example.com' is held by 100000 records" "$TMPDIR/f"
grep -q "phone '0000000000' is held by 100000 records" "$TMPDIR/f"
# no giant cluster: the largest entity is small, and every P and Q record
# with a real value of its own is one person
[ "$(sqlite3 "$db" "SELECT max(records) FROM entities WHERE run_id = 1")" -le 2 ]
[ "$(sqlite3 "$db" "SELECT value FROM metrics WHERE run_id = 1 AND source = 'identity' AND metric = 'placeholders'")" = 2.0 ]
[ "$(sqlite3 "$db" "SELECT value FROM metrics WHERE run_id = 1 AND source = 'identity' AND metric = 'no_evidence'")" = 500.0 ]
# the 500 empty records are 500 people
[ "$(sqlite3 "$db" "SELECT count(DISTINCT entity) FROM entity_members WHERE run_id = 1 AND record_key LIKE 'E%'")" = 500 ]
"$STEWARD" audit verify --db "$db"
