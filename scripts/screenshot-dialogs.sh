#!/usr/bin/env bash
# screenshot-dialogs.sh: the real viewer under a private Xvfb, showing its
# two dialogs against real servers: a refused password (gst-rtsp-server with
# Digest) and an untrusted certificate (stunnel in front of gst-rtsp-server).
# Writes docs/xvfb-dialog-password.png and docs/xvfb-dialog-certificate.png.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/rtspview .
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT
n=96
Xvfb :$n -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 1 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done

gst() { # gst NAME ARGS…: start gst-rtsp-server, set NAME to its port
  local name=$1; shift
  mkfifo "$tmp/$name.in"
  /usr/bin/python3 rtsp/rtsptest/gst_rtsp_server.py --port 0 "$@" < "$tmp/$name.in" > "$tmp/$name.out" 2>/dev/null & pids+=($!)
  exec {fd}>"$tmp/$name.in"
  for _ in $(seq 100); do grep -q READY "$tmp/$name.out" 2>/dev/null && break; sleep 0.1; done
  printf -v "$name" '%s' "$(awk '/READY/{print $2}' "$tmp/$name.out")"
}
gst authport --user viewer --password s3cret --auth digest
gst plainport
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "/CN=ipcam-2f91.local/O=IPCAM Vendor" \
  -keyout "$tmp/key.pem" -out "$tmp/cert.pem" 2>/dev/null
cat "$tmp/cert.pem" "$tmp/key.pem" > "$tmp/both.pem"
tlsport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
printf 'foreground = yes\npid =\n[r]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\ncert = %s\n' "$tlsport" "$plainport" "$tmp/both.pem" > "$tmp/stunnel.conf"
stunnel4 "$tmp/stunnel.conf" 2>/dev/null & pids+=($!)
sleep 1
export XDG_CONFIG_HOME=$tmp/config # no remembered trust from earlier runs
DISPLAY=:$n ./bin/rtspview --transport tcp --screenshot docs/xvfb-dialog-password.png --after 4s "rtsp://viewer:wrong@127.0.0.1:$authport/test"
DISPLAY=:$n ./bin/rtspview --transport tcp --screenshot docs/xvfb-dialog-certificate.png --after 4s "rtsps://127.0.0.1:$tlsport/test"
echo "wrote docs/xvfb-dialog-password.png docs/xvfb-dialog-certificate.png"
