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

median() { printf '%s\n' "$@" | sort -n | sed -n "$(( ($# + 1) / 2 ))p"; }

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
  printf '%s %s\n' "$(median "${times[@]}")" "$rss"
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

# ---- scanning (issue 3) ------------------------------------------------------
# `steward scan --source S`: read, map, normalise, validate and profile one
# source into a fresh history, with the worker threads of this machine's
# cores, against a comparator run in the same loop on the same cores:
# DuckDB's SUMMARIZE for CSV (../shared/bench, with as many threads), and
# `xmllint --stream` for XML.  SQLite has no profiling comparator; the
# sqlite3 shell reading every row is its floor.
threads=$(nproc)
duck=build/bench/duckdb
if [ ! -d "$duck/node_modules/@duckdb/node-api" ]; then
  echo "bench: installing @duckdb/node-api into $duck"
  mkdir -p "$duck"
  (cd "$duck" && npm init -y >/dev/null && npm install --silent @duckdb/node-api@1.5.6-r.1 >/dev/null)
fi
cp ../shared/bench/duckdb-summarize.mjs "$duck/"
db=$(mktemp -d)/bench.db

# alternate runs of two commands (array names), so that both see the same
# machine; prints the median wall seconds of each and the first's peak KiB
pair() {
  local -n a=$1 b=$2
  local ta=() tb=() rss=0 t m f
  f=$(mktemp)
  for _ in $(seq "$runs"); do
    # the last line: /usr/bin/time says first when a scan exits 1 (a gate)
    /usr/bin/time -o "$f" -f "%e %M" "${a[@]}" >/dev/null 2>&1 || true
    read -r t m < <(tail -n 1 "$f"); ta+=("$t"); [ "$m" -gt "$rss" ] && rss=$m
    /usr/bin/time -o "$f" -f "%e %M" "${b[@]}" >/dev/null 2>&1 || true
    read -r t m < <(tail -n 1 "$f"); tb+=("$t")
  done
  rm -f "$f"
  printf '%s %s %s\n' "$(median "${ta[@]}")" "$(median "${tb[@]}")" "$rss"
}
# a fresh history each time; exec, so that the peak memory is steward's
scan_one=(bash -c 'rm -f "$1" "$1"-*; exec "$2" scan --data "$3" --db "$1" --source "$4" \
  --as-of 2026-10-31 --threads "$5" --timings' scan "$db" "$steward" "$world")

printf '\nbench: scanning each source with %d threads (median of %d runs)\n' "$threads" "$runs"
printf '%-10s %9s %9s %9s %11s %8s  %s\n' source "time s" "MB/s" "peak MB" "sha %t/%cpu" "comp s" "ratio (comparator)"
for src in crm marketing support billing; do
  case $src in
    crm|marketing) file=$world/$src.csv; comp=(node "$duck/duckdb-summarize.mjs" "$file" "$threads");;
    support) file=$world/support.xml; comp=(xmllint --stream --noout "$file");;
    billing) file=$world/billing.sqlite; comp=(sqlite3 "$file" "SELECT * FROM accounts");;
  esac
  share=$("${scan_one[@]}" "$src" "$threads" 2>&1 >/dev/null |
    sed -nE 's/.*\(([0-9.]+)% of the source.s time, ([0-9.]+)% of its CPU.*/\1\/\2/p')
  cmd=("${scan_one[@]}" "$src" "$threads")
  read -r t ct rss <<< "$(pair cmd comp)"
  size=$(stat -c %s "$file")
  printf '%-10s %9s %9.0f %9.1f %11s %8s  %.2fx (%s)\n' "$src" "$t" \
    "$(echo "$size / 1000000 / $t" | bc -l)" "$(echo "$rss / 1024" | bc -l)" \
    "$share" "$ct" "$(echo "$t / $ct" | bc -l)" "${comp[0]}${comp[1]:+ ${comp[1]##*/}}"
done
rm -rf "$(dirname "$db")"

# ---- identity resolution (issue 4) -------------------------------------------
# A full scan (profiling, identity resolution, the history written) of worlds
# of 0.25, 0.5, 1 and 2 million people (BENCH_ID_SIZES), one run each (the
# largest takes minutes): wall time and peak memory of the whole scan, the
# identity stage's own time (the scan prints it), candidate pairs compared
# and how many a second, and the F1 against the world's truth.  Worlds other
# than the main one are generated into build/bench/world-N on first use.
id_sizes=${BENCH_ID_SIZES:-250000 500000 1000000 2000000}
printf '\nbench: identity resolution (a full scan of every source, one run per size)\n'
printf '%9s %10s %8s %9s %10s %8s %12s %10s %7s\n' people records "scan s" "peak MB" \
  "identity s" "recon s" candidates "compared/s" F1
for n in $id_sizes; do
  w=build/bench/world-$n
  if [ ! -f "$w/.done" ]; then
    rm -rf "$w"; mkdir -p "$w"
    "$build/steward-genworld" --out "$w" --people "$n"
    touch "$w/.done"
  fi
  hist=$(mktemp -d)
  f=$(mktemp)
  /usr/bin/time -o "$f" -f "%e %M" "$steward" scan --data "$w" --db "$hist/h.db" \
    --as-of 2026-10-31 > "$hist/out" 2>/dev/null || true
  # the last line: /usr/bin/time says first when the scan exits 1 (a gate)
  read -r t m < <(tail -n 1 "$f")
  rm -f "$f"
  recs=$(sed -nE 's/^identities: ([0-9]+) records.*/\1/p' "$hist/out")
  ids=$(sed -nE 's/^identities: .* in ([0-9.]+) s$/\1/p' "$hist/out")
  rec=$(sed -nE 's/^reconciliation: .* in ([0-9.]+) s: .*/\1/p' "$hist/out")
  cand=$(sqlite3 "$hist/h.db" "SELECT CAST(value AS INTEGER) FROM metrics WHERE \
    source = 'identity' AND metric = 'candidate_pairs'")
  f1=$("$steward" eval --db "$hist/h.db" --truth "$w/truth/identities.csv" --format csv |
    tail -1 | cut -d, -f4)
  printf '%9s %10s %8s %9.0f %10s %8s %12s %10.0f %7s\n' "$n" "$recs" "$t" \
    "$(echo "$m / 1024" | bc -l)" "$ids" "${rec:--}" "$cand" "$(echo "$cand / $ids" | bc -l)" "$f1"
  rm -rf "$hist"
done

# ---- what reconciliation adds (issue 5) ------------------------------------
# Full scans of the main world with and without reconciliation
# (--no-reconcile), alternating, median of $runs each; the target is under
# 30% added (docs/reconciliation.md).  Each takes minutes at 2 million.
hist=$(mktemp -d)
full=(bash -c 'rm -f "$1" "$1"-*; exec "$2" scan --data "$3" --db "$1" --as-of 2026-10-31 \
  --threads "$4"' scan "$hist/a.db" "$steward" "$world" "$threads")
bare=(bash -c 'rm -f "$1" "$1"-*; exec "$2" scan --data "$3" --db "$1" --as-of 2026-10-31 \
  --threads "$4" --no-reconcile' scan "$hist/b.db" "$steward" "$world" "$threads")
printf '\nbench: what reconciliation adds to a full scan of %s people (median of %d runs)\n' \
  "$people" "$runs"
read -r tf tb rss <<< "$(pair full bare)"
printf '%-22s %9s\n' "" "scan s"
printf '%-22s %9s\n' "without reconciliation" "$tb"
printf '%-22s %9s  peak %.0f MB\n' "with reconciliation" "$tf" "$(echo "$rss / 1024" | bc -l)"
printf '%-22s %8.0f%%  (target: under 30%%)\n' "added" "$(echo "($tf / $tb - 1) * 100" | bc -l)"
rm -rf "$hist"

# ---- reports (issue 6) ------------------------------------------------------
# 20 owners, each owning a copy of the sample CRM as a source of its own,
# scanned 12 times (month ends), then `steward report` for the last run:
# 20 scorecards, the summary and the audit report, HTML and PDF, trends over
# 12 runs; median of $runs.  The target is under 2 seconds.
rep=$(mktemp -d)
mkdir -p "$rep/policies" "$rep/data"
{
  echo '<?xml version="1.0" encoding="UTF-8"?>'
  echo '<steward>'
  for i in $(seq -w 1 20); do
    echo "  <owner id=\"team$i\" name=\"Team $i\" contact=\"team$i@example.com\"/>"
  done
  for a in email:email phone:text postcode:text payment_status:text email_consent:text; do
    id=${a%%:*}; n=$(( ${#id} % 20 + 1 ))
    printf '  <attribute id="%s" type="%s" system-of-record="crm01" owner="team%02d"%s/>\n' \
      "$id" "${a#*:}" "$n" "$([ "$id" = email ] && echo ' personal="true"')"
  done
  for i in $(seq -w 1 20); do
    role=""; [ "$i" = 01 ] && role=' role="crm"'
    cat <<XML
  <source id="crm$i" kind="csv" owner="team$i"$role>
    <location path="crm$i.csv"/><key field="customer_id"/>
    <updated field="updated_at" format="%Y-%m-%d"/>
    <field name="customer_id"/><field name="first_name"/><field name="last_name"/>
    <field name="email" attribute="email" transform="email"/>
    <field name="phone_number" attribute="phone"/>
    <field name="postcode" attribute="postcode"/><field name="country"/>
    <field name="payment_status" attribute="payment_status"/>
    <field name="email_consent" attribute="email_consent"/>
    <field name="created_at"/><field name="updated_at" type="date" format="%Y-%m-%d"/>
  </source>
XML
  done
  echo '  <identity link="0.95" review="0.80"><rule id="same-email"><equal attribute="email"/></rule></identity>'
  echo '</steward>'
} > "$rep/policies/p.xml"
for i in $(seq -w 1 20); do cp samples/crm.csv "$rep/data/crm$i.csv"; done
for m in 01 02 03 04 05 06 07 08 09 10 11 12; do
  "$steward" scan --policies "$rep/policies" --data "$rep/data" --db "$rep/h.db" \
    --as-of "2026-$m-28" > /dev/null 2>&1 || true
done
report_cmd=("$steward" report --policies "$rep/policies" --db "$rep/h.db" --out "$rep/out")
read -r t rss <<< "$(measure "${report_cmd[@]}")"
pages=$("${report_cmd[@]}" | sed -nE 's/.*\(([0-9]+) PDF pages\).*/\1/p')
printf '\nbench: reports of 20 owners over %s runs (median of %d runs)\n' \
  "$(sqlite3 "$rep/h.db" 'SELECT count(*) FROM runs')" "$runs"
printf '%-10s %9s %9s %7s  %s\n' files "time s" "peak MB" pages "target"
printf '%-10s %9s %9.1f %7s  %s\n' "$(ls "$rep/out" | wc -l)" "$t" \
  "$(echo "$rss / 1024" | bc -l)" "$pages" "under 2 s"
rm -rf "$rep"
