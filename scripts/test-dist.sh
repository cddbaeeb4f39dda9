#!/usr/bin/env bash
# test-dist.sh — builds the release files (make dist) and tries each the way a
# person would, on this Linux machine:
#
#   Linux .deb     unpacked with dpkg-deb -x; desktop-file-validate; no shared
#                  FFmpeg (ldd, Depends); the binary started as the .desktop
#                  Exec= line says shows the demo picture under Xvfb.
#   Linux tar.xz   installed with its own Makefile into a temporary PREFIX;
#                  the installed binary shows the demo picture.
#   Windows zip    rtspview.exe imports only Windows' own DLLs; under Wine,
#                  probe decodes 25 frames of 1280x720 H.264 from
#                  gst-rtsp-server over TCP and over the HTTP tunnel; the
#                  window shows the camera, and with no address the demo;
#                  the window playing a camera with a 1 kHz AAC tone puts
#                  that tone on a PulseAudio null sink (WASAPI, through
#                  Wine's PulseAudio driver).
#
# Prints each artefact's size and the build time. Exits non-zero on the
# first check that does not hold, saying which.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
export LANG=C.UTF-8

tmp=$(mktemp -d "${TMPDIR:-/tmp}/rtspview-test-dist.XXXXXX")
pids=()
cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  [ -n "${WINEPREFIX:-}" ] && WINEPREFIX=$WINEPREFIX wineserver -k 2>/dev/null || true
  rm -rf "$tmp"
}
trap cleanup EXIT
fail() { echo "test-dist: FAIL: $*" >&2; exit 1; }
say() { echo "test-dist: $*"; }

# std is the picture's standard deviation (0..1): a blank or one-colour
# window is ~0, a test pattern or the demo clip well above 0.05.
std() { convert "$1" -colorspace Gray -format '%[fx:standard_deviation]' info:; }
nonblank() { # FILE WHAT
  [ -s "$1" ] || fail "$2: no screenshot"
  local s; s=$(std "$1")
  say "$2: screenshot $(identify -format '%wx%h' "$1") std=$s"
  awk -v s="$s" 'BEGIN{exit !(s > 0.05)}' || fail "$2: the screenshot is blank (std=$s)"
}
# run_for SECONDS CMD… — a bounded run; the exit status is the command's.
run_for() { local s=$1; shift; timeout --kill-after=10 "$s" "$@"; }

# ---- build ----------------------------------------------------------------
t0=$(date +%s)
make -s dist-linux dist-windows
build_s=$(( $(date +%s) - t0 ))
say "make dist-linux dist-windows: ${build_s} s"
deb=$(ls dist/rtspview_*_amd64.deb | head -1)
txz=$(ls dist/rtspview-*-linux-amd64.tar.xz | head -1)
zip=$(ls dist/rtspview-*-windows-amd64.zip | head -1)
for f in "$deb" "$txz" "$zip"; do say "size: $(basename "$f") $(( $(stat -c %s "$f") / 1024 )) KiB"; done

# ---- an X server for the windows ------------------------------------------
if [ -z "${DISPLAY:-}" ]; then
  for n in 89 88 87 86; do
    [ -e /tmp/.X11-unix/X$n ] && continue
    Xvfb :$n -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
    pids+=($!)
    export DISPLAY=:$n
    for _ in $(seq 1 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done
    break
  done
fi

version=$(sed -n 's/^ *Version *= *"\(.*\)".*/\1/p' FyneApp.toml | head -1)
# has_version OUTPUT WHAT — --version must name the release, not "dev": the
# -X flags reached the build that was shipped.
has_version() { case "$1" in "rtspview $version ("*) ;; *) fail "$2 --version says '$1', want rtspview $version" ;; esac; }

# ---- Linux: the .deb -------------------------------------------------------
debroot="$tmp/deb"
dpkg-deb -x "$deb" "$debroot"
depends=$(dpkg-deb -f "$deb" Depends)
say ".deb Depends: $depends"
case "$depends" in *libav*|*libsw*) fail ".deb depends on FFmpeg packages: $depends" ;; esac
desktop=$(find "$debroot/usr/share/applications" -name '*.desktop' | head -1)
[ -n "$desktop" ] || fail "no .desktop file in the .deb"
desktop-file-validate "$desktop" || fail "desktop-file-validate $(basename "$desktop")"
icon=$(sed -n 's/^Icon=//p' "$desktop")
find "$debroot/usr/share" -name "$icon.png" | grep -q . || fail "icon $icon is not in the .deb"
exec_line=$(sed -n 's/^Exec=//p' "$desktop")
exe="$debroot/usr/bin/${exec_line%% *}"
[ -x "$exe" ] || fail "Exec=$exec_line: no $exe"
if ldd "$exe" | grep -Eq 'libav|libsw'; then fail "the packaged binary links a shared FFmpeg: $(ldd "$exe" | grep -E 'libav|libsw' | tr '\n' ' ')"; fi
linux_version=$("$exe" --version)
has_version "$linux_version" "the packaged binary's"
say "packaged binary: $(( $(stat -c %s "$exe") / 1048576 )) MiB, needs glibc $(objdump -T "$exe" | grep -o 'GLIBC_[0-9.]*' | sed 's/GLIBC_//' | sort -V | tail -1), $linux_version"
# As the menu starts it: the Exec= line with its field codes dropped (the
# menu passes no file), from a directory that is not the checkout.
(cd "$tmp" && run_for 60 "$exe" --screenshot "$tmp/deb.png" --after 6s) || fail "the packaged binary exited with $?"
nonblank "$tmp/deb.png" ".deb binary, demo"

# ---- Linux: the tar.xz and its install Makefile ----------------------------
mkdir -p "$tmp/txz" "$tmp/prefix"
tar -xJf "$txz" -C "$tmp/txz"
mk=$(find "$tmp/txz" -name Makefile | head -1)
[ -n "$mk" ] || fail "no install Makefile in $(basename "$txz")"
make -s -C "$(dirname "$mk")" install PREFIX="$tmp/prefix" >/dev/null || fail "the tar.xz's make install failed"
inst=$(find "$tmp/prefix" -type f -name rtspview -perm -u+x | head -1)
[ -n "$inst" ] || fail "make install put no rtspview binary under PREFIX"
(cd "$tmp" && run_for 60 "$inst" --screenshot "$tmp/txz.png" --after 6s) || fail "the installed binary exited with $?"
nonblank "$tmp/txz.png" "tar.xz binary, demo"

# ---- Windows: the zip -------------------------------------------------------
mkdir -p "$tmp/win"
unzip -q "$zip" -d "$tmp/win"
winexe="$tmp/win/rtspview.exe"
[ -f "$winexe" ] || fail "no rtspview.exe in $(basename "$zip")"
dlls=$(x86_64-w64-mingw32-objdump -p "$winexe" | sed -n 's/.*DLL Name: //p' | tr 'A-Z' 'a-z' | sort -u | tr '\n' ' ')
say "rtspview.exe imports: $dlls"
for d in $dlls; do
  case "$d" in
    av*|sw*|postproc*|libgcc*|libwinpthread*|libstdc++*|zlib*|libiconv*) fail "rtspview.exe needs $d" ;;
  esac
done
subsystem=$(x86_64-w64-mingw32-objdump -p "$winexe" | sed -n 's/^Subsystem.*(\(.*\))/\1/p')
[ "$subsystem" = "Windows GUI" ] || fail "rtspview.exe is a '$subsystem' program, not a GUI one (a console would open with it)"

export WINEPREFIX="$tmp/wine" WINEDEBUG=-all WINEDLLOVERRIDES="mscoree,mshtml="
run_for 180 wineboot -i >/dev/null 2>&1 || true
x86_64-w64-mingw32-gcc -shared -O2 -o "$WINEPREFIX/drive_c/windows/system32/bcryptprimitives.dll" \
  scripts/wine/bcryptprimitives.c -ladvapi32

win_version=$(run_for 60 wine "$winexe" --version 2>/dev/null | tr -d '\r')
has_version "$win_version" "rtspview.exe"
say "rtspview.exe --version: $win_version"

# start_gst NAME ARGS… — gst-rtsp-server with ARGS, which prints READY <port>
# and exits when its stdin closes (held open here until the script ends);
# sets gst_url to its stream's address.
start_gst() {
  local name=$1; shift
  mkfifo "$tmp/$name.in"
  /usr/bin/python3 rtsp/rtsptest/gst_rtsp_server.py --port 0 "$@" \
    <"$tmp/$name.in" >"$tmp/$name.out" 2>"$tmp/$name.err" &
  pids+=($!)
  local fd
  exec {fd}>"$tmp/$name.in"
  for _ in $(seq 1 100); do grep -q READY "$tmp/$name.out" 2>/dev/null && break; sleep 0.1; done
  local port
  port=$(sed -n 's/^READY \([0-9]*\).*/\1/p' "$tmp/$name.out")
  [ -n "$port" ] || fail "gst-rtsp-server ($*) did not start: $(tail -3 "$tmp/$name.err")"
  gst_url="rtsp://127.0.0.1:$port/test"
}

start_gst gst --codec h264 --size 1280x720 --fps 25
url=$gst_url

for tr in tcp http; do
  out="$tmp/probe-$tr.json"
  run_for 120 wine "$winexe" probe --json --transport "$tr" --frames 25 --timeout 40s "$url" >"$out" 2>"$tmp/probe-$tr.err" ||
    fail "wine rtspview.exe probe --transport $tr: $(cat "$out" "$tmp/probe-$tr.err" | tr -d '\r' | head -c 400)"
  tr -d '\r' <"$out" | python3 -c '
import json, sys
j = json.load(sys.stdin)
v = j.get("video") or {}
ok = j.get("frames_decoded") == 25 and v.get("codec") == "H264" and (v.get("width"), v.get("height")) == (1280, 720)
print("test-dist: wine probe %s: %d frames %sx%s %s, first_frame_ms %s" % (sys.argv[1], j.get("frames_decoded", 0), v.get("width"), v.get("height"), v.get("codec"), j.get("first_frame_ms")))
sys.exit(0 if ok else 1)' "$tr" || fail "wine probe over $tr did not decode 25 frames of 1280x720 H.264"
done

run_for 120 wine "$winexe" --transport tcp --screenshot "$(winepath -w "$tmp/wine-camera.png")" --after 8s "$url" \
  >/dev/null 2>"$tmp/wine-gui.err" || fail "wine GUI with a camera exited with $?: $(tail -3 "$tmp/wine-gui.err")"
nonblank "$tmp/wine-camera.png" "wine window, camera"
run_for 120 wine "$winexe" --screenshot "$(winepath -w "$tmp/wine-demo.png")" --after 8s \
  >/dev/null 2>"$tmp/wine-demo.err" || fail "wine GUI with the demo exited with $?: $(tail -3 "$tmp/wine-demo.err")"
nonblank "$tmp/wine-demo.png" "wine window, demo"

# ---- Windows: the sound, through WASAPI and Wine's PulseAudio driver ------
# A PulseAudio server of this check's own with a null sink as the default
# device (PULSE_SERVER points Wine's driver at it), recorded with parec.
snd="$tmp/snd"; mkdir -p "$snd/x"
export PULSE_SERVER="unix:$snd/x/pulse/native"
XDG_RUNTIME_DIR="$snd/x" pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no \
  --load=module-native-protocol-unix --load="module-null-sink sink_name=speaker" --load=module-always-sink \
  >"$snd/pa.log" 2>&1 &
pids+=($!)
for _ in $(seq 1 100); do pactl set-default-sink speaker >/dev/null 2>&1 && break; sleep 0.1; done
pactl set-default-sink speaker >/dev/null 2>&1 || fail "PulseAudio did not start: $(tail -3 "$snd/pa.log")"
start_gst gsta --codec h264 --size 640x360 --fps 25 --audio aac
parec -d speaker.monitor --file-format=wav --rate=48000 --channels=2 --format=s16le --latency-msec=10 "$snd/speaker.wav" &
rec=$!
pids+=($rec)
run_for 120 wine "$winexe" --transport tcp --screenshot "$(winepath -w "$tmp/wine-sound.png")" --after 15s \
  "$gst_url" >/dev/null 2>"$tmp/wine-sound.err" ||
  fail "wine GUI with a camera with sound exited with $?: $(tail -3 "$tmp/wine-sound.err")"
kill "$rec" 2>/dev/null || true; wait "$rec" 2>/dev/null || true
# From 1 s after the first sound, for 8 s, nine 50 ms stretches in ten
# holding the tone: Wine's WASAPI on a loaded 2-core machine glitches now
# and then (measured: 194 to 200 of 200), which a real Windows does not
# have to; what this checks is that the zip plays the camera's sound.
heard=$(go run ./internal/tone/tonecheck -skip 1s -for 8s "$snd/speaker.wav") || fail "wine: the speaker did not get the camera's 1 kHz tone: $heard"
say "wine sound: $heard"

if [ -n "${RTSPVIEW_DIST_SHOTS:-}" ]; then
  mkdir -p "$RTSPVIEW_DIST_SHOTS" && cp "$tmp"/*.png "$RTSPVIEW_DIST_SHOTS/"
fi
say "PASS (build ${build_s} s)"
