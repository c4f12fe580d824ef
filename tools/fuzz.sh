#!/usr/bin/env bash
# fuzz.sh SECONDS: build every tests/fuzz/fuzz_*.c with clang's libFuzzer
# (and ASan/UBSan) and run each for SECONDS on a copy of its saved corpus.
# New crashes are written to build/fuzz-crashes/NAME/; add the ones you fix
# to tests/fuzz/corpus/NAME/ so `make check` replays them for ever.
set -euo pipefail
secs=${1:-60}
cd "$(dirname "$0")/.."
command -v clang >/dev/null || { apt-get install -y -qq clang >/dev/null; }
make -s build/gen/schema_xsd.c >/dev/null
cflags="-g -O1 -fsanitize=fuzzer,address,undefined -std=c11 -D_POSIX_C_SOURCE=200809L -D_XOPEN_SOURCE=700 -Isrc -Ibuild/gen $(pkg-config --cflags libxml-2.0)"
libs="$(pkg-config --libs libxml-2.0 sqlite3 libutf8proc icu-uc icu-i18n) -lhpdf -lm -lpthread"
srcs=$(find src -name '*.c' -not -path 'src/cli/*')
status=0
for t in tests/fuzz/fuzz_*.c; do
  name=$(basename "$t" .c); name=${name#fuzz_}
  bin=build/fuzz-bin/$name corpus=build/fuzz-corpus/$name crashes=build/fuzz-crashes/$name
  mkdir -p build/fuzz-bin "$corpus" "$crashes"
  cp -n tests/fuzz/corpus/"$name"/* "$corpus"/ 2>/dev/null || true
  clang $cflags "$t" $srcs build/gen/schema_xsd.c -o "$bin" $libs
  echo "fuzz: $name for ${secs}s"
  if ! "$bin" -max_total_time="$secs" -artifact_prefix="$crashes/" "$corpus" 2>build/fuzz-bin/$name.log; then
    echo "fuzz: $name found a crash: see $crashes and build/fuzz-bin/$name.log"; status=1
  fi
  tail -n 3 build/fuzz-bin/$name.log
done
exit $status
