#!/usr/bin/env bash
set -euo pipefail
db=$TMPDIR/h.db
pol=$TMPDIR/policies
cp -r "$ROOT/policies" "$pol"
data=$ROOT/samples
no() { if "$@"; then echo "succeeded, but must not: $*" >&2; exit 1; fi; }
due() { # NOW: run-due's exit status in $rc, its lines in $TMPDIR/out
  set +e
  STEWARD_NOW=$1 "$STEWARD" run-due --policies "$pol" --data "$data" --db "$db" > "$TMPDIR/out"
  rc=$?
  set -e
}

# a new history: each schedule's latest slot, once; the sample's consent
# gate fails, so exit 1
due 2026-11-30T12:30:00Z
[ "$rc" = 1 ]
[ "$(grep -c 'schedule=monthly-scorecards task=scan slot=2026-11-01T06:00:00+00:00 .* result=gate failed' "$TMPDIR/out")" = 1 ]
grep -q 'schedule=monthly-scorecards task=report slot=2026-11-01T06:00:00+00:00 .* result=ok: 13 files in ' "$TMPDIR/out"
grep -q 'schedule=hourly-drift task=integrity slot=2026-11-30T12:00:00+00:00 .* run=2 result=ok' "$TMPDIR/out"
[ -f "$TMPDIR/2026-11/index.html" ]
# again at the same time: nothing
due 2026-11-30T12:59:00Z
[ "$rc" = 0 ] && grep -qx 'nothing is due' "$TMPDIR/out"
# five hours later: the hourly check once, for its latest slot
due 2026-11-30T17:05:00Z
[ "$rc" = 0 ]
[ "$(wc -l < "$TMPDIR/out")" = 1 ]
grep -q 'schedule=hourly-drift task=integrity slot=2026-11-30T17:00:00+00:00 ' "$TMPDIR/out"
[ "$(sqlite3 "$db" 'SELECT count(*) FROM schedule_runs')" = 4 ]

# the daemon through the night and into December: every hour once, the
# monthly scan and report at 06:00 London time on the 1st
STEWARD_NOW=2026-11-30T22:30:00Z "$STEWARD" daemon --policies "$pol" --data "$data" --db "$db" \
  --until 2026-12-01T07:00:00Z 2> "$TMPDIR/log"
grep -q '^steward daemon: pid [0-9]*, history .*, 2 schedules, simulated time' "$TMPDIR/log"
[ "$(grep -c 'task=integrity' "$TMPDIR/log")" = 10 ]	# 22:00 to 07:00 (18:00-21:00, missed, were caught up once: as 22:00)
grep -q 'schedule=hourly-drift task=integrity slot=2026-11-30T22:00:00+00:00 ' "$TMPDIR/log"
grep -q 'schedule=hourly-drift task=integrity slot=2026-12-01T07:00:00+00:00 ' "$TMPDIR/log"
grep -q 'schedule=monthly-scorecards task=scan slot=2026-12-01T06:00:00+00:00 ' "$TMPDIR/log"
grep -q 'schedule=monthly-scorecards task=report slot=2026-12-01T06:00:00+00:00 .* result=ok: 13 files in .*/2026-12' "$TMPDIR/log"
[ -f "$TMPDIR/2026-12/scorecard-sales-ops.pdf" ]
"$STEWARD" audit verify --db "$db" > /dev/null

# a real-time daemon waits for the next hour: a second one, and run-due,
# are refused; SIGHUP with broken policies keeps the old ones; SIGTERM
# stops it
"$STEWARD" daemon --policies "$pol" --data "$data" --db "$db" 2> "$TMPDIR/log2" &
pid=$!
# it catches up the hourly check first (the history's clock was 07:00),
# then sleeps until the next hour
for _ in $(seq 600); do grep -q 'task=integrity' "$TMPDIR/log2" && break; sleep 0.1; done
grep -q 'task=integrity' "$TMPDIR/log2"
no "$STEWARD" daemon --policies "$pol" --data "$data" --db "$db" 2> "$TMPDIR/err"
grep -q "another steward daemon runs the schedules of .*h.db (pid $pid)" "$TMPDIR/err"
no "$STEWARD" run-due --policies "$pol" --data "$data" --db "$db" 2> "$TMPDIR/err"
grep -q "another steward daemon runs the schedules" "$TMPDIR/err"
echo '<steward><owner id="x"' > "$pol/99-broken.xml"
kill -HUP $pid
for _ in $(seq 50); do grep -q 'SIGHUP' "$TMPDIR/log2" && break; sleep 0.1; done
grep -q "SIGHUP: the policies in .* are invalid (above); keeping the ones loaded before" "$TMPDIR/log2"
rm "$pol/99-broken.xml"
kill -HUP $pid
for _ in $(seq 50); do grep -q 'policies reloaded' "$TMPDIR/log2" && break; sleep 0.1; done
grep -q "SIGHUP: policies reloaded, 2 schedules" "$TMPDIR/log2"
kill -TERM $pid
wait $pid
grep -q "SIGTERM: stopping; the history is consistent" "$TMPDIR/log2"
"$STEWARD" audit verify --db "$db" > /dev/null
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]
