#!/usr/bin/env bash
# Every CSV of the public record-linkage benchmarks in ../shared/datasets is
# read without a single reader problem and with the expected record count by
# each reader: as CSV, loaded into SQLite (sqlite3 .import) and read as a
# table, and exported from SQLite to XML (one element per column) and read
# with the streaming XML reader.  The same policy serves all three, with
# only kind and location changed.
set -euo pipefail
data=$ROOT/../shared/datasets
if [ ! -d "$data" ]; then echo "no $data: skipped"; exit 0; fi
work=$TMPDIR

expect() { # output source records
  echo "$1" | tail -n 3
  grep -q "^$2: $3 records read; 0 problems;" <<< "$1"
}

# as_sqlite CSV DB: import a CSV (comma or ", " separated) into table t
as_sqlite() {
  sed 's/, /,/g' "$1" > "$work/plain.csv"
  rm -f "$2"
  sqlite3 "$2" ".import --csv $work/plain.csv t"
}

# as_xml DB XML: <table><row><col>value</col>...</row>...</table>
as_xml() {
  local cols expr
  cols=$(sqlite3 "$1" "SELECT name FROM pragma_table_info('t')")
  expr="'<row>'"
  while IFS= read -r c; do
    expr="$expr || '<$c>' || replace(replace(replace(coalesce(\"$c\",''),'&','&amp;'),'<','&lt;'),'>','&gt;') || '</$c>'"
  done <<< "$cols"
  { echo '<?xml version="1.0" encoding="UTF-8"?>'; echo '<table>'
    sqlite3 "$1" "SELECT $expr || '</row>' FROM t"
    echo '</table>'; } > "$2"
}

check() { # policy-dir source csv-file records
  local pol=$ROOT/tests/datasets/$1 src=$2 csv=$3 n=$4 base
  base=$(basename "$csv" .csv)
  expect "$("$STEWARD" peek "$src" --policies "$pol" --data "$(dirname "$csv")" --count 2>&1)" "$src" "$n"

  mkdir -p "$work/$1/sqlite" "$work/$1/xml" "$work/$1/data"
  as_sqlite "$csv" "$work/$1/data/$base.sqlite"
  sed -E "s|kind=\"csv\"|kind=\"sqlite\"|; s|<location path=\"([^\"]+)\\.csv\"[^>]*/>|<location path=\"\\1.sqlite\" table=\"t\"/>|" \
    "$pol/policy.xml" > "$work/$1/sqlite/policy.xml"
  expect "$("$STEWARD" peek "$src" --policies "$work/$1/sqlite" --data "$work/$1/data" --count 2>&1)" "$src" "$n"

  as_xml "$work/$1/data/$base.sqlite" "$work/$1/data/$base.xml"
  sed -E "s|kind=\"csv\"|kind=\"xml\"|; s|<location path=\"([^\"]+)\\.csv\"[^>]*/>|<location path=\"\\1.xml\" record=\"/table/row\"/>|" \
    "$pol/policy.xml" > "$work/$1/xml/policy.xml"
  expect "$("$STEWARD" peek "$src" --policies "$work/$1/xml" --data "$work/$1/data" --count 2>&1)" "$src" "$n"
}

check febrl1 febrl1 "$data/febrl/dataset1.csv" 1000
check febrl2 febrl2 "$data/febrl/dataset2.csv" 5000
check febrl3 febrl3 "$data/febrl/dataset3.csv" 5000
check splink fake1000 "$data/splink_fake_1000/fake_1000.csv" 1000
check senzing customers "$data/senzing_truthset/customers.csv" 120
check senzing watchlist "$data/senzing_truthset/watchlist.csv" 17
check senzing reference "$data/senzing_truthset/reference.csv" 22
echo "all datasets read by the CSV, SQLite and XML readers"
