#!/usr/bin/env bash
# embed.sh NAME FILE: print a C file defining `const char NAME[]` (the
# bytes of FILE, NUL-terminated) and `const size_t NAME_len`.
set -euo pipefail
name=$1 file=$2
printf '/* generated from %s by tools/embed.sh; do not edit */\n' "$file"
printf '#include <stddef.h>\n'
printf 'extern const char %s[];\nextern const size_t %s_len;\n' "$name" "$name"
printf 'const char %s[] =\n' "$name"
sed -e 's/\\/\\\\/g' -e 's/"/\\"/g' -e 's/^/\t"/' -e 's/$/\\n"/' "$file"
printf ';\nconst size_t %s_len = sizeof(%s) - 1;\n' "$name" "$name"
