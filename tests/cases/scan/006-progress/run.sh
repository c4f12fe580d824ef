#!/usr/bin/env bash
set -euo pipefail
command -v script > /dev/null || { echo "script(1) is missing (bsdutils)"; exit 1; }
db=$TMPDIR/h.db
cmd="'$STEWARD' scan --policies '$ROOT/policies' --db '$db' --as-of 2026-10-31"
# 1: the sample policy's consent gate fails (issue 5)
{ script -qec "$cmd" /dev/null || [ $? -eq 1 ]; } | tr '\r' '\n' > "$TMPDIR/tty"
cat "$TMPDIR/tty"
# a line per source when it is done, numbered, with its records
grep -Eq '^.\[K\[1/4\] crm: 3076 records in [0-9.]+ s$' "$TMPDIR/tty"
grep -Eq '^.\[K\[4/4\] marketing: 2229 records in [0-9.]+ s$' "$TMPDIR/tty"
# while reading: records, bytes of the total in readable units, rate
grep -Eq '\[1/4\] crm: 1024 records, [0-9.]+ kB of 322 kB, [0-9.]+ [kMG]?B/s' "$TMPDIR/tty"
# SQLite has no byte count: a record rate instead
grep -Eq '\[2/4\] billing: 1024 records, [0-9]+ records/s' "$TMPDIR/tty"
# not a terminal: no progress, only the summary on stdout
rm -f "$db"*
"$STEWARD" scan --policies "$ROOT/policies" --db "$db" --as-of 2026-10-31 > "$TMPDIR/out" 2> "$TMPDIR/err" || [ $? -eq 1 ]  # 1: the sample policy's consent gate fails (issue 5)
[ ! -s "$TMPDIR/err" ]
grep -q '^run 1 recorded in ' "$TMPDIR/out"
