#!/usr/bin/env bash
set -euo pipefail
db=$TMPDIR/h.db
"$STEWARD" scan --policies policies --data data --db "$db" --as-of 2026-10-31 | tee "$TMPDIR/scan"
grep -q "identities: 7 records are 6 people (7 links, 0 pairs for review, 5 kept apart by exclusive values, 3 ambiguous)" "$TMPDIR/scan"
"$STEWARD" identities --db "$db" --format csv > "$TMPDIR/ids"
ent() { awk -F, -v k="$1" '$2 == k { print $3 }' "$TMPDIR/ids"; }
# the father's records are one person; the John Smith without a date of
# birth could be the father or the son, and is neither
[ "$(ent H1)" = "$(ent H2)" ]
[ "$(ent H4)" != "$(ent H1)" ] && [ "$(ent H4)" != "$(ent H3)" ]
# the son, the two Ann Lees the rule would join, and the one with another
# ssn are each someone else
[ "$(ent H3)" != "$(ent H1)" ]
[ "$(ent S1)" != "$(ent S2)" ] && [ "$(ent S1)" != "$(ent S3)" ] && [ "$(ent S2)" != "$(ent S3)" ]
q() { sqlite3 "$db" "$1"; }
# every refused pair is recorded with the attribute that refused it
[ "$(q "SELECT count(*) FROM identity_links WHERE status = 'conflict'")" = 5 ]
[ "$(q "SELECT count(*) FROM identity_links WHERE status = 'conflict' AND conflict = 'date_of_birth'")" = 4 ]
# H4's links to the father's records and to the son's: each a guess
[ "$(q "SELECT group_concat(key_a || '-' || key_b || ':' || conflict, ' ') FROM (SELECT * FROM identity_links WHERE status = 'ambiguous' ORDER BY key_a)")" = "H1-H4:date_of_birth H2-H4:date_of_birth H3-H4:date_of_birth" ]
[ "$(q "SELECT rule || ' ' || conflict FROM identity_links WHERE key_a = 'S1' AND key_b = 'S2' AND rule IS NOT NULL")" = "same-ssn date_of_birth" ]
# the model's pair for review of the two is no review: nobody is asked
# about a join an exclusive value refuses
[ "$(q "SELECT status FROM identity_links WHERE key_a = 'S1' AND key_b = 'S2' AND rule IS NULL")" = conflict ]
[ "$(q "SELECT count(*) FROM identity_links WHERE status = 'review'")" = 0 ]
[ "$(q "SELECT conflict FROM identity_links WHERE key_a = 'S1' AND key_b = 'S3'")" = ssn ]
[ "$(q "SELECT count(*) FROM identity_links WHERE status NOT IN ('conflict', 'ambiguous') AND conflict IS NOT NULL")" = 0 ]
[ "$(q "SELECT value FROM metrics WHERE source = 'identity' AND metric = 'exclusive_conflicts'")" = 5.0 ]
[ "$(q "SELECT value FROM metrics WHERE source = 'identity' AND metric = 'ambiguous_links'")" = 3.0 ]
# why says which attribute kept them apart
"$STEWARD" why s:H1 s:H3 --db "$db" --policies policies --data data | tee "$TMPDIR/why"
grep -q "different people" "$TMPDIR/why"
grep -q "hold clearly different values of 'date_of_birth', of which a person has one" "$TMPDIR/why"
"$STEWARD" why s:H1 s:H4 --db "$db" --policies policies --data data | tee "$TMPDIR/why3"
grep "links as strongly to someone else whose 'date_of_birth' differs from the other's, and the run does not guess" "$TMPDIR/why3" >/dev/null
grep "by the model this" "$TMPDIR/why3" >/dev/null
grep "pair is a link, but the run kept the two apart (above)" "$TMPDIR/why3" >/dev/null
"$STEWARD" why s:S1 s:S3 --db "$db" --policies policies --data data | grep "values of 'ssn'" >/dev/null
# the rule's pair: the rule would join them, the run kept them apart
"$STEWARD" why s:S1 s:S2 --db "$db" --policies policies --data data | tee "$TMPDIR/why2"
grep -q "values of 'date_of_birth'" "$TMPDIR/why2"
grep -q "Rule 'same-ssn' would join them, but the run kept them apart" "$TMPDIR/why2"
# the handbook says it in plain English
"$STEWARD" explain --policies policies | grep "A person has one: two records whose values are different (the last level) are never one person" >/dev/null
# steward links: the pairs the run kept, filtered by status and source
"$STEWARD" links --db "$db" --status conflict,ambiguous --format csv > "$TMPDIR/links"
head -1 "$TMPDIR/links" | grep -x 'source_a,key_a,source_b,key_b,status,probability,rule,conflict,evidence' >/dev/null
[ "$(tail -n +2 "$TMPDIR/links" | wc -l)" = 8 ]
grep '^s,S1,s,S2,conflict,1.000000,same-ssn,date_of_birth,$' "$TMPDIR/links" >/dev/null
[ "$(grep -c ',ambiguous,' "$TMPDIR/links")" = 3 ]
"$STEWARD" links --db "$db" --status linked --format json > "$TMPDIR/links.json"
grep '"key_a":"H1","source_b":"s","key_b":"H2","status":"linked"' "$TMPDIR/links.json" >/dev/null
[ "$(grep -c '"status"' "$TMPDIR/links.json")" = 1 ]
"$STEWARD" links --db "$db" --status review | grep -x 'no pairs with status review in run 1' >/dev/null
"$STEWARD" links --db "$db" | grep 'H3  *s  *H4  *ambiguous' >/dev/null
if "$STEWARD" links --db "$db" --status maybe 2> "$TMPDIR/err"; then exit 1; fi
grep "links: --status takes linked, review, refused, conflict or ambiguous (comma-separated), not 'maybe'" "$TMPDIR/err" >/dev/null
for bad in '--status=' '--status=review,' '--source=s --source=s' 'extra'; do
  # shellcheck disable=SC2086
  if "$STEWARD" links --db "$db" $bad 2> "$TMPDIR/err"; then echo "links $bad: succeeded" >&2; exit 1; fi
done
grep "links: unexpected argument 'extra'" "$TMPDIR/err" >/dev/null
if "$STEWARD" links --db "$db" --source s --source s 2> "$TMPDIR/err"; then exit 1; fi
grep "links: give --source once" "$TMPDIR/err" >/dev/null
if "$STEWARD" links --db "$db" --source t 2> "$TMPDIR/err"; then exit 1; fi
grep "links: run 1 has no source 't' (sources: s)" "$TMPDIR/err" >/dev/null
"$STEWARD" audit verify --db "$db"
