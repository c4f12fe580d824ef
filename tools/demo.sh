#!/usr/bin/env bash
# demo.sh STEWARD: the main job, as far as steward does it so far, on the
# sample company in samples/ with the policies in policies/.
set -euo pipefail
steward=${1:-build/steward}
cd "$(dirname "$0")/.."
mkdir -p reports
say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

say "steward check: are the policies valid?"
"$steward" check --policies policies

say "steward explain: the governance handbook (written to reports/handbook.md)"
"$steward" explain --policies policies > reports/handbook.md
sed -n '1,/^## Sources/p' reports/handbook.md | sed '$d'

for month in samples samples/next-month; do
  for src in crm billing support marketing; do
    say "steward peek $src --data $month"
    "$steward" peek "$src" --policies policies --data "$month" --limit 5
    "$steward" peek "$src" --policies policies --data "$month" --count
  done
done
rm -f reports/demo.db reports/demo.db-wal reports/demo.db-shm reports/demo.db.lock
say "steward scan: October (samples/), then November (samples/next-month/)"
# each exits 1: the sample company's consent gate fails (planted violations)
"$steward" scan --policies policies --data samples --db reports/demo.db --as-of 2026-10-31 ||
  [ $? -eq 1 ]
"$steward" scan --policies policies --data samples/next-month --db reports/demo.db --as-of 2026-11-30 ||
  [ $? -eq 1 ]
say "steward findings: the compliance rules that failed (the consent rule is a gate: scan exited 1)"
"$steward" findings --db reports/demo.db --dimension compliance
say "steward show: the November run, with the renamed CRM column and the stalled support feed"
"$steward" show --db reports/demo.db
say "steward identities: who is who (the first lines), and how right it is against the generator's truth"
"$steward" identities --db reports/demo.db | sed -n 1,6p
"$steward" eval --db reports/demo.db --truth samples/next-month/truth/identities.csv
say "steward entity: one person's records side by side"
"$steward" entity --db reports/demo.db --policies policies --data samples/next-month \
  "$("$steward" identities --db reports/demo.db | sed -n 2p | cut -d, -f3)"
say "steward why: why a CRM record and a marketing contact are one person"
pair=$("$steward" identities --db reports/demo.db | awk -F, 'NR > 1 && !done { if ($3 == e && $1 != s) { print s ":" k, $1 ":" $2; done = 1 } e = $3; s = $1; k = $2 }')
"$steward" why --db reports/demo.db --policies policies --data samples/next-month $pair
say "steward proposals: what to fix in billing's records, and why (the first lines)"
"$steward" proposals --db reports/demo.db --source billing | cut -c1-200 | sed -n 1,6p
say "steward proposals --format sql: the auto-approved ones as SQL for the billing database"
"$steward" proposals --db reports/demo.db --policies policies --source billing \
  --status auto-approved --format sql | sed -n 1,6p
say "steward scores: October, then November (the renamed column and the stalled feed cost the CRM and support)"
"$steward" scores --db reports/demo.db --run 1
"$steward" scores --db reports/demo.db
say "steward audit verify, and recompute every score from the history"
"$steward" audit verify --db reports/demo.db
"$steward" audit recompute --db reports/demo.db
say "steward report: October's reports, then November's (scorecards per owner, executive summary, audit)"
"$steward" report --policies policies --db reports/demo.db --run 1
"$steward" report --policies policies --db reports/demo.db
say "steward schedule: when the policies' schedules fire next (steward daemon or steward run-due runs them)"
"$steward" schedule --policies policies --from 2026-11-30T12:00:00Z --count 2
say "done: the reports are in reports/2026-10/ and reports/2026-11/ (open index.html), the handbook in reports/handbook.md, the history in reports/demo.db"
