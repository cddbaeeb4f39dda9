#!/usr/bin/env bash
# bench-wall.sh: the real window under Xvfb playing a wall of N cameras, as
# it paints, next to N × ffmpeg decoding the same streams.
#
#   scripts/bench-wall.sh                 # N = 1 4 9 16, 16 on pages of 4; 720p and 1080p
#   COUNTS="1 4" SIZES="1920x1080" DURATION=15 scripts/bench-wall.sh
#   COUNTS="4 16@2x2" scripts/bench-wall.sh  # 16 on pages of 4: 12 hidden
#
# Streams: a realistic camera clip (testsrc2 with motion plus temporal
# noise, x264 at ~3 Mb/s, 25 fps, a keyframe every 2 s, no B-frames as
# cameras send), encoded once into ~/.cache/rtspview/bench (RTSPVIEW_BENCH_CACHE)
# and served from the file by gst-rtsp-server as a live camera (--live: an
# open range, no seeking), one pipeline per client:
# a live x264 encoder would eat the CPU being measured.
#
# For each N: rtspview --wall (N tiles of the stream, TCP) --stats-file
# under a private Xvfb; once every tile paints, DURATION seconds are
# measured: painted fps per tile (counted where the tile puts a picture on
# the canvas, ui/paintstats.go), decode fps, drops, the latency from the
# last RTP packet of a picture to the canvas (p50/p99 over all tiles), the
# process's CPU (/proc/PID/stat over the window) and peak RSS (VmHWM), and
# which tiles skipped pictures to keep up ("Reduced frame rate",
# player/degrade.go). Then the headless pipeline (`rtspview bench`: the
# same receive, decode and scale to the tile's size, no window), for the
# painting's share; then N × `ffmpeg -rtsp_transport tcp -i URL -f null -`
# on the same streams for the same time: their summed CPU and RSS, and the
# ratio.
#
# Prints one markdown table per run. Every process it starts is stopped on
# exit; each wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
counts=${COUNTS:-1 4 9 16 16@2x2}
sizes=${SIZES:-1280x720 1920x1080}
duration=${DURATION:-15}
bench_py=${PYTHON:-/usr/bin/python3}

go build -o bin/rtspview .
source scripts/peers.sh
# peers.sh's cleanup stops what is in pids; the window and ffmpeg are added
# there as they start, and the kill of a finished one is harmless.

source scripts/bench-clip.sh # clip SIZE

hz=$(getconf CLK_TCK)
# cpu_ticks PID…: user+system ticks of the processes (0 for one gone).
cpu_ticks() {
  local sum=0 p t
  for p in "$@"; do
    t=$(awk '{sub(/^.*\) /, ""); print $12 + $13}' "/proc/$p/stat" 2>/dev/null || echo 0)
    sum=$((sum + ${t:-0}))
  done
  echo $sum
}
# hwm_kb PID…: summed peak RSS.
hwm_kb() {
  local sum=0 p k
  for p in "$@"; do
    k=$(awk '/^VmHWM/{print $2}' "/proc/$p/status" 2>/dev/null || echo 0)
    sum=$((sum + ${k:-0}))
  done
  echo $sum
}

Xvfb -displayfd 3 -screen 0 1280x800x24 -nolisten tcp 3>"$tmp/display" >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
display=:$(head -1 "$tmp/display")
export XDG_CONFIG_HOME=$tmp/config # no saved wall, trust or settings of the user's

echo "# bench-wall $(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · $(uname -m) · load $(cut -d' ' -f1-3 /proc/loadavg) · window 960×600 under Xvfb (Mesa llvmpipe)"
for size in $sizes; do
  clip "$size" >"$tmp/clip"
  read -r file br <"$tmp/clip"
  pname=port_${size/x/_} # one server per size: gst names its fifo after the variable
  gst "$pname" --file "$file" --live --path /cam
  url="rtsp://127.0.0.1:${!pname}/cam"
  echo
  echo "## $size, H.264 $((br / 1000)) kb/s, 25 fps, GOP 2 s, TCP, ${duration} s window"
  echo
  echo "| N | painted fps/tile min | median | decoded fps/tile min | dropped | reduced rate (tiles) | latency p50 | p99 | CPU window | CPU headless | CPU N×ffmpeg | window/ffmpeg | RSS window | RSS N×ffmpeg |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for spec in $counts; do
    # "16" is 16 cameras laid out automatically; "16@2x2" is 16 cameras
    # on pages of four: twelve are on other pages (hidden tiles' cost).
    n=${spec%@*} layout=auto
    [ "$spec" != "$n" ] && layout=${spec#*@}
    shown=$n
    [ "$layout" != auto ] && shown=$((${layout%x*} * ${layout#*x} < n ? ${layout%x*} * ${layout#*x} : n))
    wallf=$tmp/wall-$n.json
    "$bench_py" -c '
import json, sys
n, url, layout = int(sys.argv[1]), sys.argv[2], sys.argv[4]
json.dump({"version": 1, "layout": layout, "cameras": [
    {"name": "cam %d" % (i + 1), "url": url, "transport": "tcp"} for i in range(n)]},
    open(sys.argv[3], "w"))' "$n" "$url" "$wallf" "$layout"
    stats=$tmp/stats-$n.json
    rm -f "$stats"
    DISPLAY=$display ./bin/rtspview --wall "$wallf" --stats-file "$stats" >"$tmp/rtspview-$n.log" 2>&1 &
    gui=$!
    pids+=($gui)
    # Warm-up: every tile has painted, then two seconds to settle (at most 30 s).
    for _ in $(seq 300); do
      if [ -s "$stats" ] && "$bench_py" -c '
import json, sys
r = json.load(open(sys.argv[1])); t = r["tiles"]
sys.exit(0 if len(t) == int(sys.argv[2]) and sum(x["painted"] > 0 for x in t) >= int(sys.argv[3]) else 1)' "$stats" "$n" "$shown" 2>/dev/null; then
        break
      fi
      sleep 0.1
    done
    sleep 2
    cp "$stats" "$tmp/s0.json"
    c0=$(cpu_ticks $gui)
    t0=$(date +%s%N)
    sleep "$duration"
    sleep 1.1 # the file is rewritten every second: let it cover the window
    cp "$stats" "$tmp/s1.json"
    c1=$(cpu_ticks $gui)
    t1=$(date +%s%N)
    rss=$(hwm_kb $gui)
    kill $gui 2>/dev/null || true
    wait $gui 2>/dev/null || true
    gui_cpu=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v ns=$((t1 - t0)) 'BEGIN{printf "%.0f", 100*c/hz/(ns/1e9)}')
    row=$("$bench_py" -c '
import json, statistics, sys
a, b = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
dt = (b["time_unix_ms"] - a["time_unix_ms"]) / 1000
ta = {t["index"]: t for t in a["tiles"]}
painted, decoded, dropped, hist = [], [], 0, {}
for t in b["tiles"]:
    p = ta.get(t["index"], {"painted": 0, "decoded": 0, "dropped": 0, "latency_hist_ms": {}})
    painted.append((t["painted"] - p["painted"]) / dt)
    decoded.append((t["decoded"] - p["decoded"]) / dt)
    dropped += t["dropped"] - p["dropped"]
    for k, v in t["latency_hist_ms"].items():
        hist[int(k)] = hist.get(int(k), 0) + v - p["latency_hist_ms"].get(k, 0)
def pct(q):
    n = sum(hist.values())
    if n == 0:
        return "–"
    seen = 0
    for ms in sorted(hist):
        seen += hist[ms]
        if seen >= max(1, round(q * n)):
            return "%d ms" % ms if ms < 1000 else "≥1 s"
# Tiles shown (a hidden tile paints nothing: its figures are not those of a tile on screen).
shown = [i for i, t in enumerate(b["tiles"]) if painted[i] > 0] or list(range(len(painted)))
sp, sd = [painted[i] for i in shown], [decoded[i] for i in shown]
reduced = [str(t["index"] + 1) for t in b["tiles"] if t.get("decode_level", "all pictures") != "all pictures"]
skipped = sum(t.get("skipped", 0) - ta.get(t["index"], {}).get("skipped", 0) for t in b["tiles"])
levels = {}
for t in b["tiles"]:
    lv = t.get("decode_level", "all pictures")
    if lv != "all pictures":
        levels[lv] = levels.get(lv, 0) + 1
by = ", ".join("%s %d" % (k, v) for k, v in sorted(levels.items()))
red = "none" if not reduced else "%d (%s; %s; %d pictures skipped, %.0f decoded/s in all)" % (
    len(reduced), " ".join(reduced), by, skipped, sum(decoded))
print("%.1f | %.1f | %.1f | %d | %s | %s | %s" % (min(sp), statistics.median(sp), min(sd), dropped, red, pct(0.5), pct(0.99)))
' "$tmp/s0.json" "$tmp/s1.json")

    # The headless pipeline (receive, decode, scale to the tile's size;
    # no window) on the same streams, for the painting's share.
    cols=1
    while [ $((cols * cols)) -lt "$n" ]; do cols=$((cols + 1)); done
    [ "$layout" != auto ] && cols=${layout%x*}
    headless=$(./bin/rtspview bench --streams "$n" --duration "${duration}s" --size "$((960 / cols))x$((540 / cols))" --json "$url" 2>/dev/null |
      "$bench_py" -c 'import json, sys; print("%.0f %%" % json.load(sys.stdin)["cpu_percent_of_one_core"])' || echo "–")
    [ "$layout" != auto ] && headless="–" # bench has no pages: it decodes every stream

    # The same streams decoded by ffmpeg for the same time.
    ff=()
    for _ in $(seq "$n"); do
      ffmpeg -nostdin -hide_banner -loglevel error ${FFMPEG_THREADS:+-threads $FFMPEG_THREADS} \
        -rtsp_transport tcp -i "$url" -f null - >/dev/null 2>&1 &
      ff+=($!)
      pids+=($!)
    done
    sleep 4 # ffmpeg probes about a second before it decodes
    c0=$(cpu_ticks "${ff[@]}")
    t0=$(date +%s%N)
    sleep "$duration"
    c1=$(cpu_ticks "${ff[@]}")
    t1=$(date +%s%N)
    ffrss=$(hwm_kb "${ff[@]}")
    kill "${ff[@]}" 2>/dev/null || true
    wait "${ff[@]}" 2>/dev/null || true
    ff_cpu=$(awk -v c=$((c1 - c0)) -v hz="$hz" -v ns=$((t1 - t0)) 'BEGIN{printf "%.0f", 100*c/hz/(ns/1e9)}')
    ratio=$(awk -v a="$gui_cpu" -v b="$ff_cpu" 'BEGIN{ if (b > 0) printf "%.2f×", a/b; else print "–"}')
    label=$n
    if [ "$layout" != auto ] && [ "$shown" -lt "$n" ]; then
      label="$n on $layout pages ($((n - shown)) hidden; ffmpeg decodes all $n)"
    elif [ "$layout" != auto ]; then
      label="$n in $layout"
    fi
    echo "| $label | $row | $gui_cpu % | $headless | $ff_cpu % | $ratio | $((rss / 1024)) MB | $((ffrss / 1024)) MB |"
  done
done
echo
echo "CPU is a share of one core; RSS is peak (VmHWM), summed over the ffmpeg processes. Load after: $(cut -d' ' -f1-3 /proc/loadavg)"
