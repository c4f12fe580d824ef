#!/usr/bin/env bash
set -euo pipefail
"$STEWARD" schedule --policies policies --from 2026-03-28T12:00:00Z --count 4 > "$TMPDIR/spring"
diff -u expected-spring.txt "$TMPDIR/spring"
STEWARD_NOW=2026-10-24T23:00:00Z "$STEWARD" schedule --policies policies --count 3 --format csv > "$TMPDIR/fall"
diff -u expected-fall.csv "$TMPDIR/fall"
# --from wins over STEWARD_NOW; an offset other than Z
STEWARD_NOW=2030-01-01T00:00:00Z "$STEWARD" schedule --policies policies --from 2026-03-29T02:29:00+01:00 \
  --count 1 --format csv | grep -x 'skipped-hour,scan,Europe/London,2026-03-29T02:30:00+01:00' >/dev/null
no() { if "$@"; then echo "succeeded, but must not: $*" >&2; exit 1; fi; }
no "$STEWARD" schedule --policies policies --from 2026-03-28T12:00:00 2> "$TMPDIR/err"
grep -q "has no offset: add Z for UTC" "$TMPDIR/err"
no "$STEWARD" schedule --policies policies --from yesterday 2> "$TMPDIR/err"
grep -q "schedule: --from: " "$TMPDIR/err"
no "$STEWARD" schedule --policies policies --count 0 2> "$TMPDIR/err"
grep -q "count takes a whole number from 1 to 1000" "$TMPDIR/err"
no env STEWARD_NOW=soon "$STEWARD" schedule --policies policies 2> "$TMPDIR/err"
grep -q "(in STEWARD_NOW)" "$TMPDIR/err"
