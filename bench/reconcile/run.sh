#!/usr/bin/env bash
# bench/reconcile/run.sh: reconciliation's accuracy on the sample company
# against its truth (docs/reconciliation.md, "Accuracy").  Scans samples/
# with policies/ into a fresh history and compares what it wrote with
# samples/truth/defects.csv:
#   - conflicts: the planted disagreements (sor_conflict, consent_violation,
#     stale_phone) against the conflicts found on the attributes and
#     sources they are planted in (payment status and email consent in the
#     CRM, phones in the CRM and billing): precision and recall;
#   - confirmed phones: every CRM or billing record still holding a number
#     that a recent support call replaced (phone_changed_confirmed) must
#     have a proposal to change it to the new number;
#   - consent: the planted violations (consent_violation) against the CRM
#     copies of email consent that disagree with an opt-out in marketing,
#     and the count the consent rule reports;
#   - duplicates: merges proposed against the planted duplicate records.
#
#   bench/reconcile/run.sh [STEWARD]     (default build/steward)
set -euo pipefail
cd "$(dirname "$0")/../.."
steward=${1:-build/steward}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# 1: the consent gate fails, as it should on the sample company
"$steward" scan --db "$work/h.db" --as-of 2026-10-31 > "$work/scan" 2>&1 || [ $? -eq 1 ] || {
  cat "$work/scan"; exit 1; }

awk -F, '$4 == "sor_conflict" || $4 == "consent_violation" || $4 == "stale_phone" {
           print $1 "," $2 "," $3 }' samples/truth/defects.csv | sort -u > "$work/planted"
sqlite3 -csv "$work/h.db" "SELECT source, record_key, attribute FROM conflicts
  WHERE run_id = 1 AND ((attribute IN ('payment_status', 'email_consent')
  AND source = 'crm') OR (attribute = 'phone' AND source IN ('crm', 'billing')))" |
  sort -u > "$work/found"
both=$(comm -12 "$work/planted" "$work/found" | wc -l)
planted=$(wc -l < "$work/planted")
found=$(wc -l < "$work/found")
awk -v b="$both" -v p="$planted" -v f="$found" 'BEGIN {
  printf "conflicts          planted %d  found %d  both %d  precision %.4f  recall %.4f\n",
         p, f, b, f ? b / f : 0, p ? b / p : 0 }'

# each holder of a replaced number, with the new number
awk -F, '$4 == "phone_changed_confirmed" {
  n = split($5, kv, " "); new = ""; holders = ""
  for (i = 1; i <= n; i++) {
    if (kv[i] ~ /^new=/) new = substr(kv[i], 5)
    else if (kv[i] ~ /^holders=/) holders = substr(kv[i], 9)
    else if (holders != "" && kv[i] !~ /=/) holders = holders " " kv[i]
  }
  m = split(holders, h, " ")
  for (i = 1; i <= m; i++)
    print (h[i] ~ /^B-/ ? "billing" : "crm") "," h[i] "," new
}' samples/truth/defects.csv | sort -u > "$work/confirmed"
sqlite3 -csv "$work/h.db" "SELECT source, record_key, proposed FROM proposals
  WHERE run_id = 1 AND attribute = 'phone' AND kind = 'update'" | sort -u > "$work/proposed"
hit=$(comm -12 "$work/confirmed" "$work/proposed" | wc -l)
want=$(wc -l < "$work/confirmed")
echo "confirmed phones   holders $want  proposed the new number $hit"
comm -23 "$work/confirmed" "$work/proposed" | head -5 | sed 's/^/  missing: /'

awk -F, '$4 == "consent_violation" { print $1 "," $2 }' samples/truth/defects.csv |
  sort -u > "$work/cv-planted"
sqlite3 -csv "$work/h.db" "SELECT source, record_key FROM conflicts WHERE run_id = 1
  AND attribute = 'email_consent' AND golden = 'false' AND value <> 'false'" |
  sort -u > "$work/cv-found"
rule=$(sqlite3 "$work/h.db" "SELECT CAST(value AS INTEGER) FROM metrics WHERE run_id = 1
  AND source = 'compliance' AND target = 'consent' AND metric = 'violations'")
echo "consent violations planted $(wc -l < "$work/cv-planted")  found $(wc -l < "$work/cv-found")  both $(comm -12 "$work/cv-planted" "$work/cv-found" | wc -l)  the rule counts $rule"

# duplicates within the sources that keep profiles: one merge per planted
# duplicate record (which record of a pair survives may differ)
for s in crm billing marketing; do
  planted=$(awk -F, -v s="$s" '$1 == s && $4 == "duplicate"' samples/truth/defects.csv | wc -l)
  merges=$(sqlite3 "$work/h.db" "SELECT count(*) FROM proposals WHERE run_id = 1 AND kind = 'merge' AND source = '$s'")
  echo "duplicates         $s: planted $planted  merges proposed $merges"
done
