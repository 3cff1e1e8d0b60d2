#!/usr/bin/env bash
# Installs the Debian/Ubuntu packages Brugmeter needs that pip cannot bring: the libraries Qt
# loads even offscreen, a font, (for `make test`) pdftotext and PostgreSQL, and (for `make run`)
# the X11 plugin's libraries.
# Usage: scripts/install-system-deps.sh test|app     Only installs what is missing.
set -euo pipefail
purpose=${1:-test}
packages=(libgl1 libegl1 libglib2.0-0 libfontconfig1 libdbus-1-3 libxkbcommon0 fonts-dejavu-core)
if [ "$purpose" = test ]; then
  packages+=(poppler-utils)  # pdftotext: the factsheet tests read the PDF back
  # PostgreSQL's server programs (initdb, pg_ctl): the tests start a throwaway cluster of their
  # own; Debian's package also starts a system cluster, which the tests do not need or use.
  packages+=(postgresql)
fi
if [ "$purpose" = app ]; then
  packages+=(libxkbcommon-x11-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0
             libxcb-render-util0 libxcb-image0 libx11-xcb1 libxrender1)
fi
if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "install-system-deps: not a Debian-like system; make sure Qt's libraries are installed" >&2
  exit 0
fi
missing=()
for package in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" \
    || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0
echo "install-system-deps: installing ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  as_root=()
elif command -v sudo >/dev/null 2>&1; then
  as_root=(sudo)
else
  echo "install-system-deps: please install as root: apt-get install ${missing[*]}" >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
"${as_root[@]}" apt-get update -q >/dev/null
"${as_root[@]}" apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
