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
# whatever happens below, the daemon does not outlive the test
trap 'kill $pid 2> /dev/null || true' EXIT
for _ in $(seq 100); do grep -q '^steward daemon: pid' "$TMPDIR/log2" && break; sleep 0.1; done
grep -q '^steward daemon: pid' "$TMPDIR/log2"
no "$STEWARD" daemon --policies "$pol" --data "$data" --db "$db" 2> "$TMPDIR/err"
grep -q "another steward scheduler (daemon pid $pid) runs the schedules of .*h.db" "$TMPDIR/err"
no "$STEWARD" run-due --policies "$pol" --data "$data" --db "$db" 2> "$TMPDIR/err"
grep -q "another steward scheduler (daemon pid $pid)" "$TMPDIR/err"
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
trap - EXIT
grep -q "SIGTERM: stopping; the history is consistent" "$TMPDIR/log2"
"$STEWARD" audit verify --db "$db" > /dev/null
[ "$(sqlite3 "$db" 'PRAGMA integrity_check')" = ok ]

# a slot left half done (its scan recorded, then the daemon stopped or was
# killed): the next check runs only what is left, the report
sqlite3 "$db" "INSERT INTO schedule_runs(schedule, due_at, task, started_at, finished_at, result, run_id)
  VALUES('monthly-scorecards', 1798783200, 'scan', '2027-01-01T06:00:01Z', '2027-01-01T06:02:00Z', 'ok', 1)"
due 2027-01-01T06:10:00Z
grep -q 'schedule=monthly-scorecards task=report slot=2027-01-01T06:00:00+00:00 ' "$TMPDIR/out"
if grep -q 'schedule=monthly-scorecards task=scan' "$TMPDIR/out"; then echo "the scan ran twice" >&2; exit 1; fi
