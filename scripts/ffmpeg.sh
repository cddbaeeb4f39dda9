#!/usr/bin/env bash
# ffmpeg.sh TARGET — builds the small, static FFmpeg 5.1 that release builds
# link in, and prints the folder it installed into.
#
#   TARGET: linux-amd64 (gcc) | windows-amd64 (Debian's x86_64-w64-mingw32 gcc)
#           darwin-arm64 | darwin-amd64 (clang on a Mac)
#
# Only what the viewer uses is built: the H.264, H.265 and MJPEG decoders and
# parsers, the audio decoders cameras need (AAC, G.711 A-law and µ-law, L16,
# Opus, G.726 in RTP's little-endian packing), libswscale, libswresample and
# libavutil. go-astiav v0.16.0 is one cgo package whose
# files also name libavformat, libavfilter and libavdevice, so those are built
# too; libavformat holds only the MP4 and Matroska muxers that recordings are
# written with (record/: no demuxers, no protocols, its own file I/O), the
# others no components. x86 assembly stays on (nasm): decode speed
# is what a wall of cameras spends its CPU on. Hardware decoders are off.
#
# The tarball is FFmpeg's own release, pinned by SHA-256. On Debian it comes
# from the `ffmpeg` source package (its .orig.tar.xz is the upstream tarball,
# byte for byte, with upstream's signature beside it); elsewhere it is
# downloaded from ffmpeg.org. FFMPEG_TARBALL=path skips both.
#
# The result lives outside the repository, in
# ${RTSPVIEW_CACHE:-~/.cache/rtspview}/ffmpeg-5.1.9-TARGET, and a finished
# build there (marked by .done, which records the configure line) is reused.
set -euo pipefail

FFMPEG_VERSION=5.1.9
FFMPEG_SHA256=d9b593bb2ba93d4b50f74177e0cdcd41747e708596367deed0c30348a71dd176

target=${1:-}
case "$target" in
  linux-amd64|windows-amd64|darwin-arm64|darwin-amd64) ;;
  *) echo "usage: $0 linux-amd64|windows-amd64|darwin-arm64|darwin-amd64" >&2; exit 2 ;;
esac

cache=${RTSPVIEW_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/rtspview}
prefix="$cache/ffmpeg-$FFMPEG_VERSION-$target"
tarball="$cache/src/ffmpeg-$FFMPEG_VERSION.tar.xz"

say() { echo "ffmpeg.sh: $*" >&2; }

# --disable-autodetect also turns off threading (pthreads and w32threads are
# autodetected), which would make every decoder single-threaded: name them.
common=(
  --enable-static --disable-shared --disable-programs --disable-doc
  --disable-debug --disable-everything --disable-autodetect --disable-network
  --disable-postproc
  --enable-decoder=h264,hevc,mjpeg --enable-parser=h264,hevc,mjpeg
  --enable-muxer=mp4,matroska
  --enable-decoder=aac,pcm_alaw,pcm_mulaw,pcm_s16be,opus,adpcm_g726le
  --enable-swscale --enable-swresample --enable-avformat --enable-avfilter --enable-avdevice
  --pkg-config-flags=--static
)
case "$target" in
  linux-amd64)
    # PIC so the archive links into any executable the Go linker asks for.
    flags=(--arch=x86_64 --enable-pthreads --enable-pic --enable-x86asm)
    need=(gcc make nasm pkg-config) ;;
  windows-amd64)
    # w32threads, not winpthreads: nothing beyond Windows' own DLLs.
    flags=(--target-os=mingw32 --arch=x86_64 --cross-prefix=x86_64-w64-mingw32-
           --enable-w32threads --enable-x86asm)
    need=(x86_64-w64-mingw32-gcc make nasm pkg-config) ;;
  darwin-arm64)
    flags=(--arch=aarch64 --cc=clang --enable-pthreads --extra-cflags=-mmacosx-version-min=11.0
           --extra-ldflags=-mmacosx-version-min=11.0)
    need=(clang make pkg-config) ;;
  darwin-amd64)
    flags=(--arch=x86_64 --cc=clang --enable-pthreads --enable-x86asm
           --extra-cflags=-mmacosx-version-min=10.15 --extra-ldflags=-mmacosx-version-min=10.15)
    need=(clang make nasm pkg-config) ;;
esac
config="${common[*]} ${flags[*]}"

if [ -f "$prefix/.done" ] && [ "$(cat "$prefix/.done")" = "$config" ]; then
  say "cached: $prefix"
  echo "$prefix"
  exit 0
fi

for tool in "${need[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || { say "missing $tool (scripts/setup-dist.sh installs it)"; exit 1; }
done

verify() { echo "$FFMPEG_SHA256  $1" | sha256sum -c --status 2>/dev/null ||
           echo "$FFMPEG_SHA256  $1" | shasum -a 256 -c --status 2>/dev/null; }

mkdir -p "$cache/src"
if [ -n "${FFMPEG_TARBALL:-}" ]; then
  cp "$FFMPEG_TARBALL" "$tarball.part" && mv "$tarball.part" "$tarball"
elif [ ! -f "$tarball" ] || ! verify "$tarball"; then
  rm -f "$tarball"
  if command -v apt-get >/dev/null 2>&1; then
    say "fetching the Debian source package's upstream tarball"
    dl=$(mktemp -d)
    # apt drops privileges to _apt for downloads; let it write there.
    chmod 777 "$dl"
    # Needs a deb-src line for bookworm main (scripts/setup-dist.sh adds it).
    (cd "$dl" && apt-get source --download-only ffmpeg >/dev/null 2>&1) || true
    if [ -f "$dl/ffmpeg_$FFMPEG_VERSION.orig.tar.xz" ]; then
      mv "$dl/ffmpeg_$FFMPEG_VERSION.orig.tar.xz" "$tarball"
    fi
    rm -rf "$dl"
  fi
  if [ ! -f "$tarball" ]; then
    say "downloading https://ffmpeg.org/releases/ffmpeg-$FFMPEG_VERSION.tar.xz"
    curl -fsSL --retry 3 -o "$tarball.part" "https://ffmpeg.org/releases/ffmpeg-$FFMPEG_VERSION.tar.xz"
    mv "$tarball.part" "$tarball"
  fi
fi
if ! verify "$tarball"; then
  say "SHA-256 mismatch for $tarball (want $FFMPEG_SHA256); refusing to build it"
  rm -f "$tarball"
  exit 1
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/rtspview-ffmpeg.XXXXXX")
trap 'rm -rf "$work"' EXIT
tar -xJf "$tarball" -C "$work"
src="$work/ffmpeg-$FFMPEG_VERSION"
jobs=$(getconf _NPROCESSORS_ONLN 2>/dev/null || sysctl -n hw.ncpu 2>/dev/null || echo 2)
rm -rf "$prefix"
say "configuring for $target"
(cd "$src" && ./configure --prefix="$prefix" "${common[@]}" "${flags[@]}" >"$work/configure.log" 2>&1) || {
  tail -30 "$work/configure.log" >&2; say "configure failed (full log: $src/ffbuild/config.log)"; exit 1; }
say "building with $jobs jobs"
make -C "$src" -j"$jobs" >"$work/make.log" 2>&1 || { tail -40 "$work/make.log" >&2; exit 1; }
make -C "$src" install >"$work/install.log" 2>&1 || { tail -20 "$work/install.log" >&2; exit 1; }
# The licence texts travel with every build that links this FFmpeg.
mkdir -p "$prefix/share/licenses"
cp "$src/COPYING.LGPLv2.1" "$src/LICENSE.md" "$prefix/share/licenses/"
printf '%s\n' "$config" >"$prefix/.done"
say "installed in $prefix"
echo "$prefix"
