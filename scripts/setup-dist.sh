#!/usr/bin/env bash
# setup-dist.sh installs what the release builds and their checks need on
# Debian 12, on top of scripts/setup.sh: nasm for FFmpeg's x86 assembly,
# MinGW for the Windows cross build, Wine to try the Windows exe, and
# packaging tools. It also adds Debian's source index (deb-src), which is
# where scripts/ffmpeg.sh takes FFmpeg's release tarball from when
# ffmpeg.org cannot be reached. Idempotent.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/setup.sh

SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive

pkgs=(
  nasm make xz-utils zip unzip
  gcc-mingw-w64-x86-64 binutils-mingw-w64-x86-64
  desktop-file-utils dpkg-dev binutils
  wine wine64 imagemagick xvfb python3-gi
)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

src=/etc/apt/sources.list.d/rtspview-deb-src.sources
added_src=0
if ! grep -rqsE '^(Types:.*deb-src|deb-src )' /etc/apt/sources.list /etc/apt/sources.list.d/; then
  $SUDO tee "$src" >/dev/null <<'SRC'
Types: deb-src
URIs: http://deb.debian.org/debian
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb-src
URIs: http://deb.debian.org/debian-security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
SRC
  added_src=1
fi
if [ ${#missing[@]} -gt 0 ] || [ "$added_src" = 1 ]; then
  $SUDO apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
