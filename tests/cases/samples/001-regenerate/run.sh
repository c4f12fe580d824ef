#!/usr/bin/env bash
# The committed sample company is exactly what the generator makes: the
# generator is the source of truth, and it is deterministic.
set -euo pipefail
: "${GENWORLD:?}"
"$GENWORLD" --out "$TMPDIR/world"
diff -r -x '*.sqlite' "$ROOT/samples" "$TMPDIR/world"
# the SQLite databases that make builds are the same bytes too
cmp "$ROOT/samples/billing.sqlite" "$TMPDIR/world/billing.sqlite"
cmp "$ROOT/samples/next-month/billing.sqlite" "$TMPDIR/world/next-month/billing.sqlite"
echo "samples regenerate byte for byte"
