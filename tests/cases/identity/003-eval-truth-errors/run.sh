#!/usr/bin/env bash
set -euo pipefail
db=$TMPDIR/h.db
"$STEWARD" scan --policies "$ROOT/policies" --data "$ROOT/samples" --db "$db" \
  --as-of 2026-10-31 > /dev/null || [ $? -eq 1 ]  # 1: the sample policy's consent gate fails (issue 5)
expect_error() { # file message
  if "$STEWARD" eval --db "$db" --truth "$1" 2> "$TMPDIR/err"; then
    echo "eval accepted $1"; exit 1
  fi
  cat "$TMPDIR/err"
  grep -qF -- "$2" "$TMPDIR/err" || { echo "expected: $2"; exit 1; }
}
printf 'source,key,entity\ncrm,C0000001,P1\n' > "$TMPDIR/t1.csv"
expect_error "$TMPDIR/t1.csv" "t1.csv:1: the truth file has no column 'record_key'"
printf 'source,record_key,entity\ncrm,C0000001,P1\ncrm,,P2\n' > "$TMPDIR/t2.csv"
expect_error "$TMPDIR/t2.csv" "t2.csv:3: no record_key on this line"
printf 'entity,source,record_key\nP1,crm,C0000001\nP2,crm,C0000001\n' > "$TMPDIR/t3.csv"
expect_error "$TMPDIR/t3.csv" "t3.csv:3: record crm:C0000001 is given twice"
expect_error "$TMPDIR/none.csv" "none.csv: cannot open the truth file"
printf 'source,record_key,entity\nnope,X,P1\n' > "$TMPDIR/t4.csv"
expect_error "$TMPDIR/t4.csv" "no record of"
if "$STEWARD" eval --db "$db" 2> "$TMPDIR/err"; then exit 1; fi
grep -q "eval: --truth FILE is required" "$TMPDIR/err"
# columns in another order are fine
printf 'entity,source,record_key\nP1,crm,C0000001\n' > "$TMPDIR/ok.csv"
"$STEWARD" eval --db "$db" --truth "$TMPDIR/ok.csv" --format json | grep "\"matched_records\": 1" >/dev/null
