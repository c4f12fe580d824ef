#!/usr/bin/env bash
# bench/identity/run.sh: identity-resolution accuracy on every labelled
# dataset (docs/identity.md, "Accuracy"): the sample company against its
# truth, and the public benchmarks in ../shared/datasets with the policies
# beside this script.  Each is scanned into a fresh history and measured
# with `steward eval`; prints one line per dataset.
#
#   bench/identity/run.sh [STEWARD]     (default build/steward)
set -euo pipefail
cd "$(dirname "$0")/../.."
steward=${1:-build/steward}
shared=../shared/datasets
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # name policies data truth
  rm -f "$work/h.db"*
  # 1: a compliance gate failed (the sample company's consent gate does)
  "$steward" scan --policies "$2" --data "$3" --db "$work/h.db" --as-of 2026-10-31 \
    > "$work/scan" 2>&1 || [ $? -eq 1 ] || { cat "$work/scan"; exit 1; }
  "$steward" eval --db "$work/h.db" --truth "$4" --format csv | tail -1 |
    awk -F, -v n="$1" '{ printf "%-12s precision %s  recall %s  F1 %s  (%s records, %s people found, %s in the truth)\n", n, $2, $3, $4, $10, $12, $11 }'
}

measure samples policies samples samples/truth/identities.csv

# Febrl: rec-N-org / rec-N-dup-k; a record's person is N
for d in 1 2 3; do
  mkdir -p "$work/febrl$d"
  ln -sf "$(realpath "$shared/febrl/dataset$d.csv")" "$work/febrl$d/febrl.csv"
  awk -F', ' 'NR == 1 { print "source,record_key,entity"; next }
              { split($1, a, "-"); print "febrl," $1 "," a[2] }' \
    "$shared/febrl/dataset$d.csv" > "$work/febrl$d.truth"
  measure "febrl$d" bench/identity/febrl "$work/febrl$d" "$work/febrl$d.truth"
done

# Splink's fake_1000: the cluster column is the person
awk -F, 'NR == 1 { print "source,record_key,entity"; next } { print "fake," $1 "," $7 }' \
  "$shared/splink_fake_1000/fake_1000.csv" > "$work/fake.truth"
measure fake_1000 bench/identity/fake_1000 "$shared/splink_fake_1000" "$work/fake.truth"

# Senzing's truth set: three sources; the key's CLUSTER_ID is the entity, and
# its DATA_SOURCE names the source (lower case in the policy); CRLF lines
awk -F, 'NR == 1 { print "source,record_key,entity"; next }
         { sub(/\r$/, ""); print tolower($3) "," $4 "," $2 }' \
  "$shared/senzing_truthset/actual_truthset_key.csv" > "$work/senzing.truth"
measure senzing bench/identity/senzing "$shared/senzing_truthset" "$work/senzing.truth"
# the same with m fixed in the policy (u still estimated): EM has too few
# records here to tell a person from a household (docs/identity.md)
measure senzing-m bench/identity/senzing-m "$shared/senzing_truthset" "$work/senzing.truth"
