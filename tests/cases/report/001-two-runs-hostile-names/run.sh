#!/usr/bin/env bash
set -euo pipefail
data=$TMPDIR/data
mkdir -p "$data"
printf 'id,at,email,status\nC1,2026-10-01,ann@x.com,current\nC2,2026-08-01,bo@x.com,current\nC3,2026-10-01,,current\nC4,2026-09-01,ann@x.com,current\n' > "$data/crm.csv"
sqlite3 "$data/billing.sqlite" "CREATE TABLE accounts(acct TEXT PRIMARY KEY, at TEXT, email TEXT, status TEXT);
  INSERT INTO accounts VALUES('B1', '2026-10-01', 'ann@x.com', 'current');
  INSERT INTO accounts VALUES('B2', '2026-10-01', 'bo@x.com', 'overdue');"
db=$TMPDIR/h.db
scan() { "$STEWARD" scan --policies policies --data "$data" --db "$db" --as-of "$1" > /dev/null; }
no() { if "$@"; then echo "succeeded, but must not: $*" >&2; exit 1; fi; }

# one run: the trend says so
scan 2026-10-31
out=$TMPDIR/one
"$STEWARD" report --policies policies --db "$db" --out "$out" > "$TMPDIR/msg"
grep -q "^wrote 9 files to $out " "$TMPDIR/msg"
pdftotext "$out/scorecard-sales.pdf" - 2>/dev/null | grep "one run so far: no trend yet" >/dev/null

# two runs, into reports/YYYY-MM under the working directory by default
scan 2026-11-30
(cd "$TMPDIR" && "$STEWARD" report --policies "$OLDPWD/policies" --db "$db" > /dev/null)
out=$TMPDIR/reports/2026-11
for f in index.html scorecard-sales.html scorecard-sales.pdf scorecard-billing-ops.html \
         scorecard-billing-ops.pdf executive-summary.html executive-summary.pdf audit.html audit.pdf; do
  [ -s "$out/$f" ] || { echo "missing $f"; exit 1; }
done
for f in "$out"/*.html; do
  xmllint --html --noout "$f" 2> "$TMPDIR/lint"
  [ ! -s "$TMPDIR/lint" ] || { echo "$f:"; cat "$TMPDIR/lint"; exit 1; }
  # self-contained: no scripts, nothing fetched
  no grep -qiE '<script|<link |src="http|href="http' "$f"
  # each chart is a well-formed SVG document
  { grep -o 'base64,[A-Za-z0-9+/=]*' "$f" || true; } | cut -c8- | while read -r b; do
    printf '%s' "$b" | base64 -d > "$TMPDIR/chart.svg"
    xmllint --noout "$TMPDIR/chart.svg"
    grep -q '^<svg xmlns="http://www.w3.org/2000/svg"' "$TMPDIR/chart.svg"
  done
done
for f in "$out"/*.pdf; do
  qpdf --check "$f" > /dev/null
  pdfinfo "$f" | grep '^Creator: *steward' >/dev/null
done
# escaped in HTML, intact in PDF
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$out/scorecard-sales.html"
grep -qF '&lt;script&gt;alert(1)&lt;/script&gt;' "$out/executive-summary.html"
grep -qF 'Łukasz &quot;Ł&quot; O&#39;Brien &amp; Co' "$out/scorecard-billing-ops.html"
pdftotext "$out/scorecard-sales.pdf" - 2>/dev/null > "$TMPDIR/sales.txt"
grep -qF '<script>alert(1)</script>' "$TMPDIR/sales.txt"
pdftotext "$out/executive-summary.pdf" - 2>/dev/null > "$TMPDIR/exec.txt"
grep -qF 'Łukasz "Ł" O'"'"'Brien & Co' "$TMPDIR/exec.txt"
# the sections, in both formats
for h in "Dimensions" "Sources and attributes" "Top findings" "Integration-drift alerts" \
         "Compliance failures" "Proposals awaiting your review" "What changed since the previous run"; do
  grep -qF "$h" "$TMPDIR/sales.txt" || { echo "PDF lacks $h"; exit 1; }
  grep -qF ">$h</h2>" "$out/scorecard-sales.html" || { echo "HTML lacks $h"; exit 1; }
done
for h in "Profile health over time" "Owners compared" "Top risks"; do
  grep -qF "$h" "$TMPDIR/exec.txt"
done
pdftotext "$out/audit.pdf" - 2>/dev/null > "$TMPDIR/audit.txt"
for h in "The history's hash chain" "Run provenance" "Compliance rules" \
         "Review decision log" "The policy handbook" "Verified: the content hashes of all 2 runs"; do
  grep -qF "$h" "$TMPDIR/audit.txt" || { echo "audit lacks $h"; exit 1; }
done
# a personal value is masked: the CRM's emails never appear whole
no grep -qF 'ann@x.com' "$TMPDIR/sales.txt"
# page counts: the scorecard fits on few pages, the audit has the handbook
[ "$(pdfinfo "$out/scorecard-sales.pdf" | awk '/^Pages:/ { print $2 }')" -ge 2 ]
# index.html links every report
for f in scorecard-sales scorecard-billing-ops executive-summary audit; do
  grep -qF "href=\"$f.html\"" "$out/index.html"
done
# --owner: one scorecard, HTML only; the index of a full run stays whole
out=$TMPDIR/owner
"$STEWARD" report --policies policies --db "$db" --out "$out" --owner billing-ops --format html > /dev/null
[ "$(ls "$out" | tr '\n' ' ')" = "scorecard-billing-ops.html " ]
out=$TMPDIR/reports/2026-11
"$STEWARD" report --policies policies --db "$db" --out "$out" --owner billing-ops > /dev/null
grep -qF 'href="audit.html"' "$out/index.html"
# what changed since the first run is counted
pdftotext "$out/scorecard-billing-ops.pdf" - 2>/dev/null | grep "Findings since the run of 2026-10-31: [0-9]* new" >/dev/null
if "$STEWARD" report --policies policies --db "$db" --out "" 2> "$TMPDIR/err"; then exit 1; fi
grep -q "output directory is empty" "$TMPDIR/err"
# refused
no "$STEWARD" report --policies policies --db "$db" --format docx 2> "$TMPDIR/err"
grep -q "format takes html, pdf or html,pdf" "$TMPDIR/err"
no "$STEWARD" report --policies policies --db "$db" --owner nobody --out "$TMPDIR/x" 2> "$TMPDIR/err"
grep -q "no owner 'nobody'" "$TMPDIR/err"
no "$STEWARD" report --policies policies --db "$TMPDIR/none.db" 2> "$TMPDIR/err"
grep -q "no history at" "$TMPDIR/err"
# an empty file is no history either, and is left empty
: > "$TMPDIR/zero.db"
no "$STEWARD" report --policies policies --db "$TMPDIR/zero.db" 2> "$TMPDIR/err"
grep -q "zero.db is empty, not a history: run 'steward scan' first" "$TMPDIR/err"
no "$STEWARD" runs --db "$TMPDIR/zero.db" 2> /dev/null
[ ! -s "$TMPDIR/zero.db" ]
