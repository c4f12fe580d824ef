#!/usr/bin/env bash
# bench.sh BUILD: benchmarks (docs/performance.md).
#
# Generates the benchmark world with the sample generator (BENCH_PEOPLE,
# default 2 million people) and measures, as medians of BENCH_RUNS runs
# (default 3), how fast each source is read end to end (`steward peek
# --count`: parse, map, transform every value) against a floor measured in
# the same run: `wc -l` for CSV, `xmllint --stream` for XML, the sqlite3
# shell for SQLite.  Later stages add their own measurements here.
set -euo pipefail
build=${1:-build}
cd "$(dirname "$0")/.."
people=${BENCH_PEOPLE:-2000000}
runs=${BENCH_RUNS:-3}
world=build/bench/world-$people
steward=$build/steward

if [ ! -f "$world/.done" ]; then
  echo "bench: generating a world of $people people in $world"
  rm -rf "$world"; mkdir -p "$world"
  /usr/bin/time -f "bench: generated in %e s, peak %M KiB" \
    "$build/steward-genworld" --out "$world" --people "$people"
  touch "$world/.done"
fi
ls -l "$world" | awk 'NR>1 && $1 !~ /^d/ {printf "bench:   %-16s %8.1f MB\n", $9, $5/1e6}'

# median wall seconds and max peak RSS (KiB) of a command over $runs runs
measure() {
  local times=() rss=0 t m f
  f=$(mktemp)
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$f" -f "%e %M" "$@" >/dev/null 2>&1
    read -r t m < "$f"
    times+=("$t")
    [ "$m" -gt "$rss" ] && rss=$m
  done
  rm -f "$f"
  printf '%s %s\n' "$(printf '%s\n' "${times[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")" "$rss"
}

printf '\nbench: reading every source (median of %d runs)\n' "$runs"
printf '%-10s %10s %9s %9s %10s %8s  %s\n' source records "time s" "MB/s" "peak MB" "floor s" "ratio (floor)"
for src in crm billing support marketing; do
  case $src in
    crm) file=$world/crm.csv; floor=(wc -l "$file");;
    marketing) file=$world/marketing.csv; floor=(wc -l "$file");;
    support) file=$world/support.xml; floor=(xmllint --stream --noout "$file");;
    billing) file=$world/billing.sqlite; floor=(sqlite3 "$file" "SELECT * FROM accounts");;
  esac
  records=$("$steward" peek "$src" --policies policies --data "$world" --count 2>&1 | tail -n 1)
  if ! grep -q "; 0 problems;" <<< "$records"; then
    echo "bench: $src: reader problems: $records"; exit 1
  fi
  read -r t rss <<< "$(measure "$steward" peek "$src" --policies policies --data "$world" --count)"
  read -r ft _ <<< "$(measure "${floor[@]}")"
  size=$(stat -c %s "$file")
  printf '%-10s %10s %9s %9.0f %10.1f %8s  %.2fx (%s)\n' "$src" \
    "$(sed -E 's/^[a-z]+: ([0-9]+) records.*/\1/' <<< "$records")" "$t" \
    "$(echo "$size / 1000000 / $t" | bc -l)" "$(echo "$rss / 1024" | bc -l)" \
    "$ft" "$(echo "$t / $ft" | bc -l)" "${floor[0]}"
done
