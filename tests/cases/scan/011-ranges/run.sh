#!/usr/bin/env bash
set -euo pipefail
d=$TMPDIR/data
mkdir -p "$d"
# 4,000 records with something awkward every few lines
{
  printf '\xef\xbb\xbfid,name,email,note,updated,extra\n'
  for i in $(seq 1 4000); do
    case $((i % 13)) in
      0) printf '%d,"Ann\nMarie",a%d@x.org,"line one\r\nline two, with ""quotes""",2026-10-%02d,e\n' "$i" "$i" $((i % 28 + 1));;
      1) printf '%d,Bob "the" Builder,b%d@x.org,plain,2026-09-%02d,e\r\n' "$i" "$i" $((i % 28 + 1));;
      2) printf '%d,"Cy"x,c%d@x.org,"",2026-08-01,e\n' "$i" "$i";;
      3) printf ',Dee,d%d@x.org,no key,2026-08-02,e\n' "$i";;
      4) printf '%d,Eve,e%d@x.org,ragged\n' "$i" "$i";;
      5) printf '%d,Fay\xff,f%d@x.org,"bad, utf8",2026-07-03,e\n\n' "$i" "$i";;
      6) printf '%d,"Gus\n\n\n",g%d@x.org,"""",2026-06-04,e\n' "$i" "$i";;
      *) printf '%d,Name %d,n%d@X.org,"a,b",2026-10-%02d,e%d\n' "$i" "$i" $((i % 97)) $((i % 28 + 1)) $((i % 5));;
    esac
  done
  printf '4001,Last,last@x.org,no final newline,2026-10-31,e'
} > "$d/messy.csv"

"$STEWARD" scan --policies policies --data "$d" --db "$TMPDIR/one.db" --as-of 2026-10-31 \
  --threads 1 --timings 2> "$TMPDIR/t1"
if grep -q "ranges" "$TMPDIR/t1"; then echo "one thread read in ranges"; exit 1; fi
for every in 997 64 4093; do
  rm -f "$TMPDIR/many.db"*
  STEWARD_RANGE_BYTES=$every "$STEWARD" scan --policies policies --data "$d" \
    --db "$TMPDIR/many.db" --as-of 2026-10-31 --threads 3 --timings 2> "$TMPDIR/t2"
  n=$(sed -nE 's/^timings: messy: read in ([0-9]+) ranges.*/\1/p' "$TMPDIR/t2")
  [ "${n:-0}" -gt 30 ] || { echo "every $every: read in '${n:-}' ranges"; cat "$TMPDIR/t2"; exit 1; }
  for q in "SELECT source, kind, name, rows, present, empty, distinct_count, distinct_exact,
              distinct_error, min, max, len_min, len_max, len_mean, invalid, reasons,
              numeric_share, age_median, age_p90, age_max, stale, round(freshness, 9)
            FROM profiles ORDER BY source, kind, name" \
           "SELECT source, target, dimension, severity, rule, count, message, samples
            FROM findings ORDER BY seq" \
           "SELECT source, rows, sha256, size FROM inputs ORDER BY source"; do
    sqlite3 "$TMPDIR/one.db" "$q" > "$TMPDIR/a"
    sqlite3 "$TMPDIR/many.db" "$q" > "$TMPDIR/b"
    diff "$TMPDIR/a" "$TMPDIR/b" || { echo "every $every: differs: $q"; exit 1; }
  done
  echo "every $every: $n ranges, the same run"
done
# the problems are there, at their lines, with the sample keys
f=$(sqlite3 "$TMPDIR/one.db" "SELECT message FROM findings WHERE rule LIKE 'integrity.reader.%'")
# (records 13k+1 .. 13k+13 take 19 lines: five line breaks in quotes, a
# blank line)
for want in "ragged row (line 5, line 24, line 43," "invalid UTF-8 (line 6, line 25," \
            "missing key (line 4, line 23," "text after a closing quote (line 3, line 22,"; do
  grep -qF "$want" <<< "$f" || { echo "no '$want' in:"; echo "$f"; exit 1; }
done
[ "$(sqlite3 "$TMPDIR/one.db" "SELECT rows FROM inputs WHERE source = 'messy'")" = 4001 ]
