#!/usr/bin/env bash
set -euo pipefail
data=$TMPDIR/data
mkdir -p "$data"
# key 1 twice (two different people), and two records of Bo by email
printf 'id,given,family,email\n1,Ann,Smith,ann@x.com\n1,Ann,Smyth,asmyth@y.com\n2,Bo,Ek,bo@z.com\n3,Bob,Ek,bo@z.com\n' \
  > "$data/a.csv"
db=$TMPDIR/h.db
for i in 1 2 3; do
  "$STEWARD" scan --policies policies --data "$data" --db "$db" --as-of 2026-10-31 > /dev/null
  "$STEWARD" identities --db "$db" | sort > "$TMPDIR/ids$i"
done
cat "$TMPDIR/ids1"
# the same data, the same ids, run after run
diff "$TMPDIR/ids1" "$TMPDIR/ids2"
diff "$TMPDIR/ids1" "$TMPDIR/ids3"
[ "$(grep -c '^a,1,' "$TMPDIR/ids1")" = 2 ]
[ "$(grep '^a,1,' "$TMPDIR/ids1" | cut -d, -f3 | sort -u | wc -l)" = 2 ]

# why of one record with itself
if "$STEWARD" why --db "$db" --policies policies --data "$data" a:2 a:2 2> "$TMPDIR/err"; then exit 1; fi
grep -q "give two different records, not a:2 twice" "$TMPDIR/err"
# why after the comparisons changed
if "$STEWARD" why --db "$db" --policies changed --data "$data" a:2 a:3 2> "$TMPDIR/err"; then exit 1; fi
cat "$TMPDIR/err"
grep -q "the policies' comparisons have changed since run 3" "$TMPDIR/err"

# a policy of rules only: why shows the rule and no model
db2=$TMPDIR/rules.db
"$STEWARD" scan --policies rules-only --data "$data" --db "$db2" --as-of 2026-10-31 > /dev/null
"$STEWARD" why --db "$db2" --policies rules-only --data "$data" a:2 a:3 | tee "$TMPDIR/why"
grep -q "^Rule 'same-email' joins them" "$TMPDIR/why"
if grep -q "The model weighs" "$TMPDIR/why"; then echo "line $LINENO: succeeded, but must not" >&2; exit 1; fi

# values wider than why's columns are cut at a character, never inside one
# (Khmer letters, which stay as written: names in Han or Cyrillic letters
# are matched in Latin ones)
long=$(printf 'គម%.0s' $(seq 15))
printf 'id,given,family,email\n7,Ann,%s,w@x.com\n8,Ann,%s,w@x.com\n' "$long" "$long" > "$data/a.csv"
db4=$TMPDIR/wide.db
"$STEWARD" scan --policies policies --data "$data" --db "$db4" --as-of 2026-10-31 > /dev/null
"$STEWARD" why --db "$db4" --policies policies --data "$data" a:7 a:8 > "$TMPDIR/wide"
cat "$TMPDIR/wide"
iconv -f UTF-8 -t UTF-8 "$TMPDIR/wide" > /dev/null
grep -q "^  family_name    គមគម" "$TMPDIR/wide"

# empty sources: a run with no one in it, not a run without identities
printf 'id,given,family,email\n' > "$data/a.csv"
db3=$TMPDIR/empty.db
"$STEWARD" scan --policies policies --data "$data" --db "$db3" --as-of 2026-10-31 | grep "identities: 0 records are 0 people" >/dev/null
[ "$("$STEWARD" identities --db "$db3")" = "source,record_key,entity_id" ]
