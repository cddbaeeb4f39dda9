#!/usr/bin/env bash
# bench-ffmpeg.sh: time to first picture, rtspview probe next to the ffmpeg
# command, on the same streams in the same run, for each server × transport
# × auth cell. Each run is a whole process (start-up included) for both.
# Runs start at random offsets: back-to-back runs would lock onto the
# servers' 1 s keyframe interval.
#
# Prints medians and the ratio ffmpeg/rtspview (>1: rtspview is faster).
# This machine is shared and noisy: compare ratios, not absolute numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}
go build -o bin/rtspview .
source scripts/peers.sh

demoport=$(freeport)
./bin/rtspview demo-server --addr 127.0.0.1:$demoport >/dev/null 2>&1 & pids+=($!)

gst gstport
gst gstauth --user viewer --password s3cret --auth digest

tls_front tlsport "$gstport" /CN=127.0.0.1

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms() { date +%s%N; }

# name | url | transport (both tools) | extra probe flags
cells=(
  "demo|rtsp://127.0.0.1:$demoport/demo|tcp|"
  "demo|rtsp://127.0.0.1:$demoport/demo|udp|"
  "demo|rtsp://127.0.0.1:$demoport/demo|http|"
  "gst|rtsp://127.0.0.1:$gstport/test|tcp|"
  "gst|rtsp://127.0.0.1:$gstport/test|udp|"
  "gst|rtsp://127.0.0.1:$gstport/test|http|"
  "gst+digest|rtsp://viewer:s3cret@127.0.0.1:$gstauth/test|tcp|"
  "gst+digest|rtsp://viewer:s3cret@127.0.0.1:$gstauth/test|http|"
  "stunnel+gst|rtsp://127.0.0.1:$tlsport/test|https|--insecure"
)
printf '%-13s %-6s %12s %12s %10s %7s\n' server trans "rtspview ms" "first_frame" "ffmpeg ms" ratio
for cell in "${cells[@]}"; do
  IFS='|' read -r name url tr extra <<< "$cell"
  ours=() inproc=() theirs=()
  for _ in $(seq "$runs"); do
    sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
    s=$(ms); j=$(./bin/rtspview probe --frames 1 --json --transport "$tr" $extra "$url" || true); e=$(ms)
    ours+=($(( (e - s) / 1000000 )))
    inproc+=($(echo "$j" | python3 -c 'import json,sys; print(json.load(sys.stdin)["first_frame_ms"])'))
    sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
    s=$(ms); ffmpeg -v quiet -rtsp_transport "$tr" -i "$url" -frames:v 1 -f null - || true; e=$(ms)
    theirs+=($(( (e - s) / 1000000 )))
  done
  o=$(printf '%s\n' "${ours[@]}" | median)
  i=$(printf '%s\n' "${inproc[@]}" | median)
  f=$(printf '%s\n' "${theirs[@]}" | median)
  printf '%-13s %-6s %12s %12s %10s %7.1f\n' "$name" "$tr" "$o" "$i" "$f" "$(awk -v f="$f" -v o="$o" 'BEGIN{print f/o}')"
done
