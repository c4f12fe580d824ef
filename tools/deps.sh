#!/usr/bin/env bash
# deps.sh [PACKAGE...]: install the Debian packages steward needs, and any
# named (make bench adds nodejs and npm for its DuckDB comparator), if any
# are missing.  Idempotent and quiet when everything is present.
# docs/dependencies.md says why each package is here.
set -euo pipefail
pkgs=(
  build-essential pkg-config
  libxml2-dev libxml2-utils libsqlite3-dev libhpdf-dev libcmocka-dev
  libutf8proc-dev libicu-dev fonts-dejavu-core tzdata
  sqlite3 poppler-utils qpdf time bc
  "$@"
)
missing=()
for p in "${pkgs[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "deps: installing ${missing[*]}" >&2
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "deps: missing packages and not root: apt-get install ${missing[*]}" >&2
    exit 2
  fi
else
  SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq >/dev/null
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
