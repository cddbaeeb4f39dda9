#!/usr/bin/env bash
# bench-record.sh: what recording costs beside viewing. N cameras of the
# 720p bench clip (scripts/bench-clip.sh: ~3 Mb/s, 25 fps, GOP 2 s) decoded
# at a 4×4 tile's size by `rtspview bench`, against the same N decoded and
# recorded (`bench --record DIR`: every access unit also muxed, without
# re-encoding, into fragmented MP4), in turns against the same
# gst-rtsp-server, so both rows see the same machine and load. The same
# pair also with the streams hidden (`--hidden`: received, not decoded):
# the recorder's work does not depend on decoding, and on a machine too
# loaded to decode every picture (the decoder then skips some, differently
# in each row) the hidden pair is where its cost can be read. Then the
# same N recorded onto a slow disk: a build with -tags benchslowdisk,
# whose writes all wait on one lock at DISK_BPS bytes a second in all
# (record/slowdisk.go), with a QUEUE-byte queue per camera: the queue must
# stop the memory's growth and drop units instead.
#
#   scripts/bench-record.sh
#   N=16 ROUNDS=2 DURATION=20 HIDDEN_DURATION=15 DISK_BPS=2000000 QUEUE=4194304 SLOW_DURATION=30 scripts/bench-record.sh
#   RECORD_DIR=/mnt/disk scripts/bench-record.sh   # files there (default: a temporary folder)
#
# CPU is the bench process's own (getrusage: user+system over the window,
# all threads) as a share of one core. The files of each row are deleted
# after it. Prints markdown tables.
set -euo pipefail
cd "$(dirname "$0")/.."
n=${N:-16}
rounds=${ROUNDS:-2}
duration=${DURATION:-20}
hidden_duration=${HIDDEN_DURATION:-15} # a hidden session closes after 30 s unless it records
disk_bps=${DISK_BPS:-2000000}
queue=${QUEUE:-4194304}
slow_duration=${SLOW_DURATION:-30}
size=240x135 # 960×540 in 4×4, as bench-wall.sh's headless column
py=${PYTHON:-/usr/bin/python3}

go build -o bin/rtspview .
go build -tags benchslowdisk -o bin/rtspview-slowdisk .
source scripts/peers.sh
source scripts/bench-clip.sh
clip 1280x720 >"$tmp/clip"
read -r file br <"$tmp/clip"
gst port --file "$file" --live --path /cam
url="rtsp://127.0.0.1:$port/cam"
recdir=${RECORD_DIR:-$tmp/rec}

# row LABEL JSON: one table row from bench's JSON.
row() {
  "$py" -c '
import json, sys
r = json.load(open(sys.argv[2])); rec = r.get("record") or {}
fps = ("not decoded (%.0f packets/s received)" % (r["packets_received"] / r["seconds"]), "–") if r.get("hidden") else \
    ("%.1f" % r["fps_per_stream_mean"], "%.1f" % r["fps_per_stream_min"])
print("| %s | %s | %s | %d | **%.1f %%** | %.0f MB | %s | %s | %s |" % (sys.argv[1],
    fps[0], fps[1], r["frames_dropped"], r["cpu_percent_of_one_core"], r["max_rss_mb"],
    "%d files, %d pictures, %.0f MB" % (rec["files"], rec["video_frames_written"], rec["written_mb"]) if rec else "–",
    str(rec["units_dropped"]) if rec else "–",
    "%.1f MB" % rec["queued_max_mb_all_streams"] if rec else "–"))' "$1" "$2"
}
cpu() { "$py" -c 'import json, sys; print(json.load(open(sys.argv[1]))["cpu_percent_of_one_core"])' "$1"; }

echo "# bench-record $(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · $(uname -m) · load $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "## $n × 1280×720 H.264 $((br / 1000)) kb/s, 25 fps, GOP 2 s, TCP; decoded at $size (${duration} s windows) or hidden (${hidden_duration} s); files in ${RECORD_DIR:-a temporary folder}"
echo
echo "| row | fps/stream mean | min | decoder drops | CPU | max RSS | recorded | recorder drops | queued max |"
echo "|---|---|---|---|---|---|---|---|---|"
hid=() hidrec=() plain=() recorded=()
for i in $(seq "$rounds"); do
  ./bin/rtspview bench --streams "$n" --duration "${hidden_duration}s" --hidden --json "$url" >"$tmp/h$i.json"
  row "$i. hidden (received)" "$tmp/h$i.json"
  hid+=("$(cpu "$tmp/h$i.json")")
  rm -rf "$recdir"
  ./bin/rtspview bench --streams "$n" --duration "${hidden_duration}s" --hidden --record "$recdir" --json "$url" >"$tmp/hr$i.json"
  row "$i. hidden + recorded" "$tmp/hr$i.json"
  hidrec+=("$(cpu "$tmp/hr$i.json")")
  rm -rf "$recdir"
  ./bin/rtspview bench --streams "$n" --duration "${duration}s" --size "$size" --json "$url" >"$tmp/p$i.json"
  row "$i. decoded" "$tmp/p$i.json"
  plain+=("$(cpu "$tmp/p$i.json")")
  rm -rf "$recdir"
  ./bin/rtspview bench --streams "$n" --duration "${duration}s" --size "$size" --record "$recdir" --json "$url" >"$tmp/r$i.json"
  row "$i. decoded + recorded" "$tmp/r$i.json"
  recorded+=("$(cpu "$tmp/r$i.json")")
  rm -rf "$recdir"
done
diffs() {
  "$py" -c '
import sys
what, k = sys.argv[1], int(sys.argv[2]); p = [float(x) for x in sys.argv[3:3 + k]]; r = [float(x) for x in sys.argv[3 + k:]]
d = [b - a for a, b in zip(p, r)]
print("- %s: recording costs %s %% of one core in each round, %+.1f %% on average." %
      (what, ", ".join("%+.1f" % x for x in d), sum(d) / len(d)))' "$@"
}
echo
diffs "hidden (recorded − received)" "$rounds" "${hid[@]}" "${hidrec[@]}"
diffs "decoded (recorded − decoded)" "$rounds" "${plain[@]}" "${recorded[@]}"

echo
echo "## $n recorded onto a slow disk: $((disk_bps / 1000)) kB/s for all (the cameras send ~$((n * br / 8000)) kB/s), a queue of $((queue >> 20)) MiB per camera, ${slow_duration} s window"
echo
rm -rf "$recdir"
RTSPVIEW_BENCH_DISK_BPS=$disk_bps ./bin/rtspview-slowdisk bench --streams "$n" --duration "${slow_duration}s" --size "$size" \
  --record "$recdir" --record-queue "$queue" --json "$url" >"$tmp/slow.json"
rm -rf "$recdir"
"$py" -c '
import json, sys
r = json.load(open(sys.argv[1])); rec = r["record"]
print("| RSS at the window start | queues 3/4 full after | RSS then | RSS max in window | RSS at the end | queued max (all) | limit (all) | recorder drops | written | stop (writes the queues) |")
print("|---|---|---|---|---|---|---|---|---|---|")
print("| %.0f MB | %s | %s | %.0f MB | %.0f MB | %.1f MB | %.0f MB | %d | %.1f MB | %.0f s |" % (
    r["rss_start_mb"], "%.1f s" % rec["queues_full_after_seconds"] if rec.get("queues_full_after_seconds") else "never",
    "%.0f MB" % rec["rss_when_full_mb"] if rec.get("rss_when_full_mb") else "–", rec["rss_max_in_window_mb"],
    r["rss_end_mb"], rec["queued_max_mb_all_streams"], rec["queue_limit_mb_per_stream"] * r["streams"], rec["units_dropped"],
    rec["written_mb"], rec["stop_seconds"]))
print()
print("Decoding meanwhile: %.1f fps/stream (min %.1f), CPU %.0f %% of one core." % (r["fps_per_stream_mean"], r["fps_per_stream_min"], r["cpu_percent_of_one_core"]))' "$tmp/slow.json"
echo
echo "Load after: $(cut -d' ' -f1-3 /proc/loadavg)"
