#!/usr/bin/env bash
# One scan per kind of bad CSV input, with the other sources fine; then the
# bad SQLite and XML inputs.  Each must be recorded: the bad input's status
# and error (or a finding), the good source profiled as usual.
set -uo pipefail
d=$TMPDIR/data
mkdir -p "$d"
printf 'id,name,joined,updated\n1,Ann,2020-01-02,2026-10-01\n2,Bob,2021-03-04,2026-10-02\n' > "$d/good.csv"
sqlite3 "$d/bad.sqlite" "CREATE TABLE t(id, name); INSERT INTO t VALUES(1, 'Ann');"
printf '<r><x id="1"><name>Ann</name></x></r>\n' > "$d/bad.xml"
n=0
scan() { # expected-exit label
  n=$((n + 1))
  "$STEWARD" scan --policies policies --data "$d" --db "$TMPDIR/h$n.db" --as-of 2026-10-31 \
    > "$TMPDIR/out" 2> "$TMPDIR/err"
  local rc=$?
  if [ "$rc" != "$1" ]; then echo "$2: exit $rc, expected $1"; cat "$TMPDIR/err"; exit 1; fi
  db=$TMPDIR/h$n.db
  [ "$(sqlite3 "$db" "SELECT status FROM inputs WHERE source = 'good'")" = ok ] ||
    { echo "$2: the good source was not scanned"; exit 1; }
  [ "$(sqlite3 "$db" "SELECT rows FROM inputs WHERE source = 'good'")" = 2 ] || exit 1
}
expect() { # label sql-result-must-contain
  local got
  got=$(sqlite3 "$db" "SELECT status || ': ' || coalesce(error, '') FROM inputs WHERE source = '$3';
                       SELECT rule || ': ' || message FROM findings WHERE source = '$3'")
  if ! grep -qF -- "$2" <<< "$got"; then echo "$1: expected '$2' in:"; echo "$got"; exit 1; fi
  echo "$1: ok"
}
: > "$d/bad.csv"; scan 2 empty
expect empty "failed: $d/bad.csv:1: source 'csvbad': the file is empty; expected a header row" csvbad
printf 'id,name,updated\n' > "$d/bad.csv"; scan 0 header-only
expect header-only "ok: " csvbad
rm "$d/bad.csv"; scan 2 missing
expect missing "failed: $d/bad.csv: source 'csvbad': cannot open: No such file or directory" csvbad
# binary garbage, the same every run (random bytes made the header
# readable now and then)
seq 1 20000 | gzip -n -9 -c > "$d/bad.csv"; scan 2 garbage
expect garbage "integrity.unreadable" csvbad
printf 'id,name,updated\n1,Ann\xff\xfe,2026-10-01\n2,Bob,2026-10-01\n' > "$d/bad.csv"; scan 0 utf8
expect utf8 "integrity.reader.invalid-UTF-8: 1 record of csvbad: invalid UTF-8 (line 2)" csvbad
printf 'id,name,updated\n1,Ann,31/10/2026\n2,Bob,yesterday\n' > "$d/bad.csv"; scan 0 dates
expect dates "integrity.updated-unparsed: 2 records of csvbad have an updated-at 'updated' that does not parse" csvbad
{ printf 'id,name,updated\n1,Ann,2026-10-01\n2'; head -c 20000 /dev/zero | tr '\0' ','; printf '\n3,Cy,2026-10-01\n'; } > "$d/bad.csv"; scan 0 too-wide
expect too-wide "integrity.reader.too-many-columns: 1 record of csvbad: too many columns (line 3)" csvbad
{ printf 'id,name,updated\n1,"'; head -c 1073741824 /dev/zero | tr '\0' 'x'; printf '",2026-10-01\n2,Bob,2026-10-01\n'; } > "$d/bad.csv"; scan 0 huge-field
expect huge-field "integrity.reader.record-too-long: 1 record of csvbad: record too long (line 2)" csvbad
[ "$(sqlite3 "$db" "SELECT rows FROM inputs WHERE source = 'csvbad'")" = 2 ] || { echo "huge-field: rows"; exit 1; }
rm -f "$d/bad.csv"; printf 'id,name,updated\n1,Ann,2026-10-01\n' > "$d/bad.csv"
printf 'this is not a database, just text\n' > "$d/bad.sqlite"; scan 2 not-a-database
expect not-a-database "failed: $d/bad.sqlite: source 'dbbad': cannot read the table: file is not a database" dbbad
{ echo '<r>'; for i in $(seq 1 400); do echo "<x id=\"$i\"><name>N $i</name></x>"; done; echo '<x id="y"><name>oops</x>'; for i in $(seq 1 3000); do echo "<x id=\"z$i\"><name>After $i</name></x>"; done; echo '</r>'; } > "$d/bad.xml"; scan 2 xml-broken
expect xml-broken "source 'xmlbad': XML is not well-formed: Opening and ending tag mismatch: name line 402 and x" xmlbad
got=$(sqlite3 "$db" "SELECT rows FROM inputs WHERE source = 'xmlbad'")
[ "$got" = 400 ] || { echo "xml-broken: $got records kept, expected the 400 before the break"; exit 1; }
# the reader stopped at the break, in its first 64 KiB of a bigger file,
# so the fingerprint is taken apart, of the whole file
[ "$(sqlite3 "$db" "SELECT sha256 FROM inputs WHERE source = 'xmlbad'")" = \
  "$(sha256sum "$d/bad.xml" | cut -d' ' -f1)" ] || { echo "xml-broken: fingerprint"; exit 1; }
echo "all bad inputs handled"
