#!/usr/bin/env bash
# screenshot-dialogs.sh: the real viewer under a private Xvfb, showing its
# two dialogs against real servers: a refused password (gst-rtsp-server with
# Digest) and an untrusted certificate (stunnel in front of gst-rtsp-server).
# Writes docs/xvfb-dialog-password.png and docs/xvfb-dialog-certificate.png.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/rtspview .
source scripts/peers.sh
n=96
Xvfb :$n -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 1 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done

gst authport --user viewer --password s3cret --auth digest
gst plainport
tls_front tlsport "$plainport" "/CN=ipcam-2f91.local/O=IPCAM Vendor"
export XDG_CONFIG_HOME=$tmp/config # no remembered trust from earlier runs
DISPLAY=:$n ./bin/rtspview --transport tcp --screenshot docs/xvfb-dialog-password.png --after 4s "rtsp://viewer:wrong@127.0.0.1:$authport/test"
DISPLAY=:$n ./bin/rtspview --transport tcp --screenshot docs/xvfb-dialog-certificate.png --after 4s "rtsps://127.0.0.1:$tlsport/test"
echo "wrote docs/xvfb-dialog-password.png docs/xvfb-dialog-certificate.png"
