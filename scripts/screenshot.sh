#!/usr/bin/env bash
# screenshot.sh FILE: runs the viewer on its demo stream under a private
# Xvfb and writes the window to FILE (docs/screenshot.png for the README).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-docs/screenshot.png}
go build -o bin/rtspview .
n=97
Xvfb :$n -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 &
xpid=$!
trap 'kill $xpid 2>/dev/null || true' EXIT
for _ in $(seq 1 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done
DISPLAY=:$n ./bin/rtspview --screenshot "$out" --after 5s
echo "wrote $out"
