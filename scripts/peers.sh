# peers.sh is sourced by the scripts that need real RTSP peers outside Go
# tests (bench-ffmpeg.sh, screenshot-dialogs.sh). It sets up $tmp and a
# cleanup trap that stops every peer it started.
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$tmp"; }
trap cleanup EXIT

freeport() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# gst NAME ARGS…: start gst-rtsp-server (rtsp/rtsptest's script) and set the
# variable NAME to its port. It runs until this shell exits.
gst() {
  local name=$1; shift
  mkfifo "$tmp/$name.in"
  /usr/bin/python3 rtsp/rtsptest/gst_rtsp_server.py --port 0 "$@" < "$tmp/$name.in" > "$tmp/$name.out" 2>/dev/null & pids+=($!)
  exec {fd}>"$tmp/$name.in"
  for _ in $(seq 100); do grep -q READY "$tmp/$name.out" 2>/dev/null && break; sleep 0.1; done
  printf -v "$name" '%s' "$(awk '/READY/{print $2}' "$tmp/$name.out")"
}

# tls_front NAME PORT SUBJECT: stunnel with a fresh self-signed certificate
# for SUBJECT in front of 127.0.0.1:PORT; sets NAME to the TLS port.
tls_front() {
  local name=$1 port=$2 subject=$3 tls
  openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 30 -subj "$subject" \
    -keyout "$tmp/$name.key" -out "$tmp/$name.crt" 2>/dev/null
  cat "$tmp/$name.crt" "$tmp/$name.key" > "$tmp/$name.pem"
  tls=$(freeport)
  printf 'foreground = yes\npid =\n[r]\naccept = 127.0.0.1:%s\nconnect = 127.0.0.1:%s\ncert = %s\n' "$tls" "$port" "$tmp/$name.pem" > "$tmp/$name.conf"
  stunnel4 "$tmp/$name.conf" 2>/dev/null & pids+=($!)
  for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$tls") 2>/dev/null && break; sleep 0.1; done
  printf -v "$name" '%s' "$tls"
}
