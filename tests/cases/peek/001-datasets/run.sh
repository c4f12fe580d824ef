#!/usr/bin/env bash
# Every CSV of the public record-linkage benchmarks in ../shared/datasets
# reads without a single reader problem, with the expected record counts.
set -euo pipefail
data=$ROOT/../shared/datasets
if [ ! -d "$data" ]; then echo "no $data: skipped"; exit 0; fi
check() { # policy-dir source data-dir records
  out=$("$STEWARD" peek "$2" --policies "$ROOT/tests/datasets/$1" --data "$3" --count 2>&1)
  echo "$out"
  grep -q "^$2: $4 records read; 0 problems;" <<< "$out"
}
check febrl1 febrl1 "$data/febrl" 1000
check febrl2 febrl2 "$data/febrl" 5000
check febrl3 febrl3 "$data/febrl" 5000
check splink fake1000 "$data/splink_fake_1000" 1000
check senzing customers "$data/senzing_truthset" 120
check senzing watchlist "$data/senzing_truthset" 17
check senzing reference "$data/senzing_truthset" 22
