#!/usr/bin/env bash
# bench-ffmpeg.sh: time to first picture, rtspview probe next to the ffmpeg
# command, on the same streams in the same run. Each run is a whole process
# (start-up included) for both. Runs start at random offsets: back-to-back
# runs would lock onto the servers' 1 s keyframe interval.
#
# Prints medians and the ratio ffmpeg/rtspview (>1 means rtspview is faster).
# This machine is shared and noisy: compare ratios, not absolute numbers.
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${RUNS:-7}
go build -o bin/rtspview .

pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

demoport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
./bin/rtspview demo-server --addr 127.0.0.1:$demoport >/dev/null 2>&1 & pids+=($!)
coproc GST { /usr/bin/python3 rtsp/rtsptest/gst_rtsp_server.py --port 0; }
pids+=($GST_PID)
read -r _ gstport <&"${GST[0]}"
sleep 1

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2}'; }
ms() { date +%s%N; }

printf '%-16s %-5s %14s %14s %14s %8s\n' server transport "rtspview ms" "(in-process)" "ffmpeg ms" ratio
for server in "demo rtsp://127.0.0.1:$demoport/demo" "gst rtsp://127.0.0.1:$gstport/test"; do
  set -- $server
  name=$1 url=$2
  for tr in tcp udp; do
    ours=() inproc=() theirs=()
    for _ in $(seq "$runs"); do
      sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
      s=$(ms); j=$(./bin/rtspview probe --frames 1 --json --transport "$tr" "$url"); e=$(ms)
      ours+=($(( (e - s) / 1000000 )))
      inproc+=($(echo "$j" | python3 -c 'import json,sys; print(json.load(sys.stdin)["first_frame_ms"])'))
      sleep "0.$((RANDOM % 10))$((RANDOM % 10))"
      s=$(ms); ffmpeg -v error -rtsp_transport "$tr" -i "$url" -frames:v 1 -f null - ; e=$(ms)
      theirs+=($(( (e - s) / 1000000 )))
    done
    o=$(printf '%s\n' "${ours[@]}" | median)
    i=$(printf '%s\n' "${inproc[@]}" | median)
    f=$(printf '%s\n' "${theirs[@]}" | median)
    printf '%-16s %-5s %14s %14s %14s %8.1f\n' "$name" "$tr" "$o" "$i" "$f" "$(awk -v f="$f" -v o="$o" 'BEGIN{print f/o}')"
  done
done
