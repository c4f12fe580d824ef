#!/usr/bin/env bash
# check-layers.sh: enforce the module layering of docs/architecture.md.
#
#   util < policy < source < profile < identity < reconcile < {store, report}
#        < sched < pipeline < cli
#
# A file in src/M/ may include "N/..." only when N is M or left of M
# (store and report are peers and may not include each other), and the
# external libraries stay in their one place each.
set -uo pipefail
cd "$(dirname "$0")/.."
rank() {
  case $1 in
    util) echo 0 ;; policy) echo 1 ;; source) echo 2 ;; profile) echo 3 ;;
    identity) echo 4 ;; reconcile) echo 5 ;; store|report) echo 6 ;;
    sched) echo 7 ;; pipeline) echo 8 ;; cli) echo 9 ;; *) echo 99 ;;
  esac
}
status=0
for f in $(find src -name '*.[ch]'); do
  mod=$(echo "$f" | cut -d/ -f2)
  r=$(rank "$mod")
  [ "$r" = 99 ] && { echo "layers: $f: unknown module '$mod'"; status=1; continue; }
  while IFS= read -r inc; do
    dep=${inc%%/*}
    d=$(rank "$dep")
    [ "$d" = 99 ] && continue
    if [ "$d" -gt "$r" ] || { [ "$d" = "$r" ] && [ "$dep" != "$mod" ]; }; then
      echo "layers: $f includes \"$inc\": $mod may not depend on $dep"
      status=1
    fi
  done < <(sed -n 's/^#include "\([^"]*\)".*/\1/p' "$f")
done
# each external library in its one place
allow() { # header-pattern allowed-path-regex
  local bad
  bad=$(grep -rlE "#include <$1" src | grep -vE "$2")
  if [ -n "$bad" ]; then echo "layers: <$1> used outside $2: $bad"; status=1; fi
}
allow 'libxml/' '^src/(policy/policy_xml\.c|source/reader_xml\.c)$'
allow 'sqlite3\.h' '^src/(store/|source/(reader|writer)_sqlite\.c)'
allow 'hpdf' '^src/report/pdf'
allow 'utf8proc\.h' '^src/util/utf8\.c$'
allow 'unicode/' '^src/util/translit\.c$'
# only the CLI prints to the terminal or exits
bad=$(grep -rlE '\b(exit|printf|fprintf|puts|perror)\(|\b(stdout|stderr)\b' src --include='*.c' | grep -v '^src/cli/')
if [ -n "$bad" ]; then echo "layers: only src/cli may print or exit: $bad"; status=1; fi
exit $status
