#!/usr/bin/env bash
# dist.sh linux|windows|darwin — builds the files a person downloads into dist/:
#
#   linux    rtspview-VERSION-linux-amd64.tar.xz   (fyne package: binary, .desktop, icon, install Makefile)
#            rtspview_VERSION_amd64.deb
#   windows  rtspview-VERSION-windows-amd64.zip    (rtspview.exe: GUI subsystem, icon, version resource)
#   darwin   rtspview-VERSION-macos-ARCH.zip       (rtspview.app; on a Mac only)
#
# Each links the small static FFmpeg that scripts/ffmpeg.sh builds (cached
# outside the repository), so nothing needs FFmpeg installed. The version
# comes from FyneApp.toml; RTSPVIEW_VERSION overrides it (the release
# workflow passes the tag).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export GOTOOLCHAIN=local

target=${1:-}
case "$target" in linux|windows|darwin) ;; *) echo "usage: $0 linux|windows|darwin" >&2; exit 2 ;; esac

version=${RTSPVIEW_VERSION:-$(sed -n 's/^ *Version *= *"\(.*\)".*/\1/p' FyneApp.toml | head -1)}
version=${version#v}
commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
if [ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ]; then commit="$commit+dirty"; fi
mkdir -p dist

say() { echo "dist.sh: $*" >&2; }

# The fyne tool is pinned in tools/go.mod; `go tool -n` builds it once and
# names the cached binary, so GOFLAGS below reach only the viewer's build.
fyne=$(go tool -modfile=tools/go.mod -n fyne)

# go-astiav asks pkg-config for FFmpeg's flags; --static makes it list the
# libraries FFmpeg itself needs (libm, pthread, bcrypt on Windows).
wrapper=$(mktemp -d "${TMPDIR:-/tmp}/rtspview-pkgconfig.XXXXXX")
work=$(mktemp -d "${TMPDIR:-/tmp}/rtspview-dist.XXXXXX")
# fyne package bumps Build in FyneApp.toml after every run and rewrites the
# file; the build number comes from git instead, and the file is put back.
cp FyneApp.toml "$work/FyneApp.toml"
trap 'cp "$work/FyneApp.toml" "$root/FyneApp.toml"; rm -rf "$wrapper" "$work"; rm -f "$root/fyne.syso" "$root/fyne_metadata_init.go"' EXIT
build=$(git rev-list --count HEAD 2>/dev/null || echo 1)
# Through the file, not --app-build: given that flag, fyne package v1.7.4
# made a Windows exe whose GLFW could not create its first window (Wine 8:
# "Failed to create helper window: Resource type not found").
sed -i "s/^\( *Build *= *\).*/\1$build/" FyneApp.toml
printf '#!/bin/sh\nexec pkg-config --static "$@"\n' >"$wrapper/pkg-config"
chmod +x "$wrapper/pkg-config"
export PKG_CONFIG="$wrapper/pkg-config"
# Go's build cache keys a cgo package on CGO_CFLAGS but not on what
# pkg-config answers, so a go-astiav compiled against the system's shared
# FFmpeg would be reused as it is. Naming our headers keeps the two apart
# (set below, once the prefix is known).
use_ffmpeg() { export CGO_CFLAGS="${CGO_CFLAGS:--O2 -g} -I$1/include"; }

# Release facts for --version and the About dialog.
xflags="-ldflags=-X=github.com/rtspview/rtspview/internal/version.Version=$version -ldflags=-X=github.com/rtspview/rtspview/internal/version.Commit=$commit"

# fyne package builds in the repository root and leaves its result there.
package() {
  (cd "$root" && "$fyne" package --release --app-version "$version" "$@")
}

size() { echo "$(basename "$1"): $(du -m "$1" | cut -f1) MB ($(stat -c %s "$1" 2>/dev/null || stat -f %z "$1") bytes)"; }

case "$target" in
linux)
  prefix=$(scripts/ffmpeg.sh linux-amd64)
  use_ffmpeg "$prefix"
  # Searched before the system's directories, so our libav*.pc win over a
  # libav*-dev package; go-gl still finds the system's gl.pc after them.
  export PKG_CONFIG_PATH="$prefix/lib/pkgconfig${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
  t0=$(date +%s)
  rm -f rtspview.tar.xz
  GOFLAGS="$xflags" CGO_ENABLED=1 package --os linux
  txz="dist/rtspview-$version-linux-amd64.tar.xz"
  mkdir -p "$work/txz"
  tar -xJf rtspview.tar.xz -C "$work/txz"
  rm -f rtspview.tar.xz
  bin=$(find "$work/txz" -type f -path '*/bin/rtspview' | head -1)
  desktop=$(find "$work/txz" -name '*.desktop' | head -1)
  icon=$(find "$work/txz" -name '*.png' -path '*pixmaps*' | head -1)
  [ -n "$bin" ] && [ -n "$desktop" ] && [ -n "$icon" ] || { say "unexpected tar.xz layout"; find "$work/txz" >&2; exit 1; }
  # Offer rtspview for rtsp:// and rtsps:// links (see FyneApp.toml).
  grep -q '^MimeType=' "$desktop" || sed -i '/^Exec=/a MimeType=x-scheme-handler/rtsp;x-scheme-handler/rtsps;' "$desktop"
  (cd "$work/txz" && tar -cJf "$root/$txz" --owner=0 --group=0 .)
  say "built $txz in $(( $(date +%s) - t0 )) s"

  # The .deb holds the same files as the tar.xz, moved from /usr/local to /usr.
  if ldd "$bin" | grep -Eq 'libav|libsw'; then say "the binary links a shared FFmpeg"; ldd "$bin" >&2; exit 1; fi
  deb="$work/deb"
  install -D -m 0755 "$bin" "$deb/usr/bin/rtspview"
  install -D -m 0644 "$desktop" "$deb/usr/share/applications/$(basename "$desktop")"
  install -D -m 0644 "$icon" "$deb/usr/share/icons/hicolor/512x512/apps/$(basename "$icon")"
  install -D -m 0644 "$icon" "$deb/usr/share/pixmaps/$(basename "$icon")"
  install -D -m 0644 internal/licenses/notices.txt "$deb/usr/share/doc/rtspview/copyright"
  cat internal/licenses/ffmpeg.txt internal/licenses/ffmpeg-COPYING.LGPLv2.1 >"$deb/usr/share/doc/rtspview/FFmpeg-LGPL-2.1.txt"
  # Depends: the packages that own the shared libraries the binary names
  # (X11, GL, libc), read off the binary rather than written by hand; libc
  # at the newest symbol version the binary uses. Recommends: the sound
  # systems the output loads at run time (sound/device.go); without either
  # the picture plays and the tile says "No sound device".
  glibc=$(objdump -T "$bin" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1)
  depends="libc6 (>= $glibc)"
  needed=$(objdump -p "$bin" | awk '/NEEDED/{print $2}')
  for lib in $(ldd "$bin" | awk -v n=" $(echo $needed) " '/=> \//{ if (index(n, " " $1 " ")) print $3 }'); do
    p=$(dpkg -S "$(readlink -f "$lib")" 2>/dev/null | head -1 | cut -d: -f1) || true
    [ -z "$p" ] && p=$(dpkg -S "$lib" 2>/dev/null | head -1 | cut -d: -f1) || true
    case "$p" in ""|libc6) ;; *) case ", $depends," in *", $p,"*) ;; *) depends="$depends, $p" ;; esac ;; esac
  done
  mkdir -p "$deb/DEBIAN"
  cat >"$deb/DEBIAN/control" <<EOF
Package: rtspview
Version: $version
Architecture: amd64
Maintainer: rtspview developers <rtspview@users.noreply.github.com>
Installed-Size: $(du -sk "$deb/usr" | cut -f1)
Depends: $depends
Recommends: libpulse0 | libasound2
Section: video
Priority: optional
Homepage: https://github.com/rtspview/rtspview
Description: RTSP viewer for IP cameras and media servers
 Paste an rtsp:// or rtsps:// address, pick a transport (Auto, UDP, TCP,
 HTTP or HTTPS tunnel) and watch one camera or a wall of them. FFmpeg is
 linked in; no FFmpeg package is needed.
EOF
  dpkg-deb --root-owner-group -Zxz --build "$deb" "dist/rtspview_${version}_amd64.deb" >/dev/null
  say "glibc needed: $glibc or newer"
  size "$txz"; size "dist/rtspview_${version}_amd64.deb"; size "$deb/usr/bin/rtspview"
  ;;

windows)
  prefix=$(scripts/ffmpeg.sh windows-amd64)
  use_ffmpeg "$prefix"
  export PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig"
  t0=$(date +%s)
  # fyne package for Windows builds twice (once plain, once with the icon
  # and version resource) and takes the -ldflags out of GOFLAGS on the
  # first build, so the second, the one shipped, lost the version and
  # -static. Named as an existing --exe, the plain build is skipped.
  : >rtspview.exe
  # -static: the MinGW runtime (libgcc, winpthread) goes inside the exe, so
  # it needs only the DLLs Windows itself ships.
  GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc CXX=x86_64-w64-mingw32-g++ \
    GOFLAGS="$xflags -ldflags=-extldflags=-static" package --os windows --exe rtspview.exe
  mkdir -p "$work/zip"
  mv rtspview.exe "$work/zip/rtspview.exe"
  cat internal/licenses/ffmpeg.txt internal/licenses/ffmpeg-COPYING.LGPLv2.1 internal/licenses/notices.txt >"$work/zip/LICENSES.txt"
  zip="dist/rtspview-$version-windows-amd64.zip"
  rm -f "$zip"
  (cd "$work/zip" && zip -q -9 "$root/$zip" rtspview.exe LICENSES.txt)
  dlls=$(x86_64-w64-mingw32-objdump -p "$work/zip/rtspview.exe" | sed -n 's/.*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u | tr '\n' ' ')
  say "built $zip in $(( $(date +%s) - t0 )) s; imports: $dlls"
  size "$zip"; size "$work/zip/rtspview.exe"
  ;;

darwin)
  [ "$(uname -s)" = Darwin ] || { say "the macOS app is built on a Mac (the release workflow's macOS runner)"; exit 2; }
  arch=$(uname -m); [ "$arch" = x86_64 ] && arch=amd64
  prefix=$(scripts/ffmpeg.sh "darwin-$arch")
  use_ffmpeg "$prefix"
  export PKG_CONFIG_LIBDIR="$prefix/lib/pkgconfig"
  rm -rf rtspview.app
  GOFLAGS="$xflags" CGO_ENABLED=1 package --os darwin
  zip="dist/rtspview-$version-macos-$arch.zip"
  rm -f "$zip"
  ditto -c -k --keepParent rtspview.app "$zip"
  rm -rf rtspview.app
  size "$zip"
  ;;
esac
