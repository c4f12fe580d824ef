#!/usr/bin/env bash
# pgo-train.sh STEWARD DATA: the runs GCC's profile-guided optimisation
# learns from (Makefile, docs/performance.md).  STEWARD is the instrumented
# build; it writes its counts under DATA when it exits.  The sample company
# scanned twice (October, then November with its drift), every source and
# stage, on two threads with CSV files cut into small ranges, so that the
# paths a large scan takes are the ones counted.  Nothing here depends on
# the benchmark's files.
set -euo pipefail
steward=$1 data=$2
rm -rf "$data"
mkdir -p "$data"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
run() {
  # exit status 1 is a compliance gate that failed: the samples plant some
  local rc=0
  "$@" >/dev/null || rc=$?
  [ "$rc" -le 1 ] || { echo "pgo-train: '$*' failed ($rc)" >&2; exit 1; }
}
export STEWARD_RANGE_BYTES=65536
run "$steward" scan --data samples --db "$tmp/h.db" --as-of 2026-10-31 --threads 2
run "$steward" scan --data samples/next-month --db "$tmp/h.db" --as-of 2026-11-30 --threads 2
