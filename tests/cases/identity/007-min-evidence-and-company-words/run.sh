#!/usr/bin/env bash
set -euo pipefail
db=$TMPDIR/h.db
"$STEWARD" scan --policies policies --data data --db "$db" --as-of 2026-10-31 | tee "$TMPDIR/scan"
grep -q "identities: 8 records are 6 people (2 links, 1 pair for review)" "$TMPDIR/scan"
"$STEWARD" identities --db "$db" --format csv > "$TMPDIR/ids"
ent() { awk -F, -v k="$1" '$2 == k { print $3 }' "$TMPDIR/ids"; }
q() { sqlite3 "$db" "$1"; }
# a near name alone: above the link threshold, kept for review
[ "$(ent P1)" != "$(ent P2)" ]
[ "$(q "SELECT status FROM identity_links WHERE key_a = 'P1' AND key_b = 'P2'")" = review ]
[ "$(q "SELECT probability >= 0.95 FROM identity_links WHERE key_a = 'P1' AND key_b = 'P2'")" = 1 ]
# a near name and an employer in part: a link
[ "$(ent P3)" = "$(ent P4)" ]
[ "$(q "SELECT status FROM identity_links WHERE key_a = 'P3' AND key_b = 'P4'")" = linked ]
# a company's name in part, one address written otherwise: one company;
# another word in each name: two
[ "$(ent O1)" = "$(ent O2)" ]
[ "$(ent O3)" != "$(ent O4)" ]
[ "$(q "SELECT count(*) FROM identity_links WHERE key_a = 'O3' OR key_b = 'O3'")" = 0 ]
"$STEWARD" links --db "$db" --status review | grep -q "P1 .* P2 .* review"
"$STEWARD" why s:P1 s:P2 --db "$db" --policies policies --data data | tee "$TMPDIR/why"
grep -q "a link needs 2$" "$TMPDIR/why"
grep -q "^comparisons that speak for one person: by the model this pair is for review,$" "$TMPDIR/why"
grep -q "^as only 1 comparison speaks for it" "$TMPDIR/why"
"$STEWARD" why s:O1 s:O2 --db "$db" --policies policies --data data | tee "$TMPDIR/why2"
grep -q "org .*worldwide exports .*universal exports worldwide .*>= 0.92" "$TMPDIR/why2"
grep -q "pair is a link\.$" "$TMPDIR/why2"
"$STEWARD" why s:O3 s:O4 --db "$db" --policies policies --data data | grep -q "org .*universal exports usa .*universal exports singapore .*else"
"$STEWARD" explain --policies policies | tee "$TMPDIR/explain"
grep -q "A link by the model needs 2 comparisons that speak for one person; a pair with fewer (a name alone, however close) is kept for review however high its probability." "$TMPDIR/explain"
grep -q '`org` is compared .*Every word of the shorter name needs its counterpart in the other (the same word, one letter changed' "$TMPDIR/explain"
grep -q '`name` is compared .*(the same word, its initial, a nickname, one letter changed' "$TMPDIR/explain"
"$STEWARD" audit verify --db "$db"
