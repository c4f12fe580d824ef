#!/usr/bin/env bash
# run-cases.sh: run every end-to-end case under tests/cases/AREA/NNN-name/.
#
# A case is a folder holding either
#   cmd              the arguments to steward (one line, shell words), run in
#                    the case folder, with
#   expected-status  the exit status (default 0),
#   expected-stdout  exact standard output (optional),
#   expected-stderr  exact standard error (optional),
#   stdout-contains, stderr-contains  lines that must each appear (optional);
# or a script
#   run.sh           run in the case folder with STEWARD, GENWORLD, ROOT and
#                    TMPDIR set; it passes by exiting 0.
# A file `about` says what the case checks (and, for regressions, the issue).
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
: "${STEWARD:?set STEWARD to the steward binary}"
export STEWARD ROOT=$root GENWORLD=${GENWORLD:-}
pass=0 fail=0 failed=()
filter=${1:-}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

for dir in "$root"/tests/cases/*/*/; do
  dir=${dir%/}
  name=${dir#"$root"/tests/cases/}
  [ -n "$filter" ] && [[ $name != *$filter* ]] && continue
  out=$work/out err=$work/err
  if [ -f "$dir/run.sh" ]; then
    t=$(mktemp -d -p "$work")
    if (cd "$dir" && TMPDIR=$t bash ./run.sh) >"$out" 2>"$err"; then
      pass=$((pass + 1))
    else
      fail=$((fail + 1)); failed+=("$name")
      echo "--- FAIL $name (run.sh)"; tail -n 30 "$out" "$err"
    fi
    continue
  fi
  want=0
  [ -f "$dir/expected-status" ] && want=$(tr -d ' \n' < "$dir/expected-status")
  (cd "$dir" && eval "\"$STEWARD\" $(cat cmd)") >"$out" 2>"$err" </dev/null
  got=$?
  ok=1 why=""
  if [ "$got" != "$want" ]; then ok=0; why="exit status $got, expected $want"; fi
  if [ $ok = 1 ] && [ -f "$dir/expected-stdout" ] && ! diff -u "$dir/expected-stdout" "$out" >"$work/diff"; then
    ok=0; why="stdout differs:"$'\n'"$(head -n 40 "$work/diff")"
  fi
  if [ $ok = 1 ] && [ -f "$dir/expected-stderr" ] && ! diff -u "$dir/expected-stderr" "$err" >"$work/diff"; then
    ok=0; why="stderr differs:"$'\n'"$(head -n 40 "$work/diff")"
  fi
  for stream in stdout stderr; do
    [ $ok = 1 ] && [ -f "$dir/$stream-contains" ] || continue
    file=$out; [ $stream = stderr ] && file=$err
    while IFS= read -r line; do
      [ -z "$line" ] && continue
      if ! grep -qF -- "$line" "$file"; then
        ok=0; why="$stream lacks: $line"$'\n'"$(head -n 20 "$file")"; break
      fi
    done < "$dir/$stream-contains"
  done
  if [ $ok = 1 ]; then
    pass=$((pass + 1))
  else
    fail=$((fail + 1)); failed+=("$name")
    echo "--- FAIL $name: $why"
  fi
done
echo "e2e: $pass passed, $fail failed"
[ $fail -eq 0 ]
