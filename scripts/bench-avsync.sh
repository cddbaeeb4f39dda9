#!/usr/bin/env bash
# bench-avsync.sh: how far the sound is from the picture (lip sync), in the
# real window under Xvfb, next to ffplay on the same stream in the same run.
#
#   scripts/bench-avsync.sh                    # 30 s each, G.711 A-law, TCP
#   DURATION=60 AUDIO=aac PLAYERS="rtspview" scripts/bench-avsync.sh
#
# The clip (ffmpeg lavfi, cached in ~/.cache/rtspview/avsync): a black
# 640×360 picture at 25 fps with one white frame each second, and a 100 ms
# 1 kHz beep that starts on that frame. gst-rtsp-server serves it as a live
# camera (scripts/avsync/serve.py: H.264, and the audio as PCMA or AAC).
# A PulseAudio null sink is the default sound device. For each player, after
# WARMUP seconds, one ffmpeg captures the screen (x11grab, 50 fps) and the
# sink's monitor (pulse) for DURATION seconds, both stamped with the same
# wall clock (-copyts); scripts/avsync/offsets.py finds each flash and beep
# and prints the offsets: positive means the sound is late.
#
# Every process it starts is stopped on exit; each wait is bounded.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-30}
warmup=${WARMUP:-8}
audio=${AUDIO:-pcma}
players=${PLAYERS:-rtspview ffplay}
cache=${RTSPVIEW_AVSYNC_CACHE:-$HOME/.cache/rtspview/avsync}
py=/usr/bin/python3 # Debian's, with python3-gi

go build -o bin/rtspview .
tmp=$(mktemp -d)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; rm -rf "$tmp"; }
trap cleanup EXIT

clip=$cache/flash-beep.mkv
if [ ! -s "$clip" ]; then
  mkdir -p "$cache"
  # PCM in the file: no AAC priming between the flash and the beep.
  ffmpeg -nostdin -hide_banner -loglevel error -y \
    -f lavfi -i "color=black:s=640x360:r=25,drawbox=c=white:t=fill:enable='eq(mod(n\,25)\,0)',format=yuv420p" \
    -f lavfi -i "aevalsrc='if(lt(mod(t\,1)\,0.1)\,0.5*sin(2*PI*1000*t)\,0)':s=48000" \
    -t 300 -ac 2 -c:v libx264 -preset veryfast -tune zerolatency -bf 0 -g 25 -c:a pcm_s16le "$clip.tmp.mkv"
  mv "$clip.tmp.mkv" "$clip"
fi

# The sound device: a PulseAudio null sink, ALSA's default routed to it.
H=$tmp/home XR=$tmp/xdg
mkdir -p "$H" "$XR"
chmod 700 "$XR"
printf 'pcm.!default pulse\nctl.!default pulse\n' >"$H/.asoundrc"
snd() { env HOME="$H" XDG_RUNTIME_DIR="$XR" XDG_CONFIG_HOME="$H/.config" "$@"; }
snd pulseaudio -n --daemonize=no --exit-idle-time=-1 --use-pid-file=no \
  --load=module-native-protocol-unix --load="module-null-sink sink_name=speaker" --load=module-always-sink \
  >"$tmp/pa.log" 2>&1 </dev/null &
pids+=($!)
for _ in $(seq 50); do snd pactl info >/dev/null 2>&1 && break; sleep 0.1; done
snd pactl set-default-sink speaker

mkfifo "$tmp/srv.in"
"$py" scripts/avsync/serve.py --file "$clip" --audio "$audio" <"$tmp/srv.in" >"$tmp/srv.out" 2>"$tmp/srv.err" &
pids+=($!)
exec {srvfd}>"$tmp/srv.in"
for _ in $(seq 100); do grep -q READY "$tmp/srv.out" 2>/dev/null && break; sleep 0.1; done
url="rtsp://127.0.0.1:$(awk '/READY/{print $2}' "$tmp/srv.out")/cam"

size=1024x768
Xvfb -displayfd 3 -screen 0 ${size}x24 -nolisten tcp 3>"$tmp/display" >/dev/null 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -s "$tmp/display" ] && break; sleep 0.1; done
display=:$(head -1 "$tmp/display")

echo "# bench-avsync $(date -u +%Y-%m-%dT%H:%MZ) · $(nproc) cores · load $(cut -d' ' -f1-3 /proc/loadavg) · audio $audio · TCP · ${duration} s each"
echo
echo "| player | pairs | median | worst | mean | min | max | flashes | beeps | capture fps |"
echo "|---|---|---|---|---|---|---|---|---|---|"
for player in $players; do
  case $player in
  rtspview) cmd=(./bin/rtspview --verbose --transport tcp "$url") ;; # --verbose: the lip sync's own figures in its log (KEEP)
  ffplay) cmd=(env SDL_AUDIODRIVER=pulseaudio ffplay -hide_banner -loglevel error -rtsp_transport tcp -left 0 -top 0 "$url") ;;
  *) echo "unknown player $player" >&2; exit 2 ;;
  esac
  DISPLAY=$display snd "${cmd[@]}" >"$tmp/$player.log" 2>&1 </dev/null &
  gui=$!
  pids+=($gui)
  sleep "$warmup"
  # One ffmpeg for both, so both carry the same wall clock (x11grab and
  # pulse stamp each frame with av_gettime, pulse less its latency).
  timeout $((duration + 30)) env HOME="$H" XDG_RUNTIME_DIR="$XR" ffmpeg -nostdin -hide_banner -loglevel error -y -copyts \
    -thread_queue_size 1024 -t "$duration" -f x11grab -framerate 50 -video_size $size -i "$display" \
    -thread_queue_size 1024 -t "$duration" -f pulse -fragment_size 1920 -i speaker.monitor \
    -map 0:v -vf "scale=64:48,signalstats,settb=1/1000000,metadata=print:key=lavfi.signalstats.YAVG:file=$tmp/v.txt" -f null - \
    -map 1:a -af "asetnsamples=n=96,astats=metadata=1:reset=1,asettb=1/1000000,ametadata=print:key=lavfi.astats.Overall.RMS_level:file=$tmp/a.txt" -f null - \
    2>"$tmp/cap.err" || { echo "capture failed: $(tail -c 300 "$tmp/cap.err")" >&2; }
  kill $gui 2>/dev/null || true
  wait $gui 2>/dev/null || true
  r=$("$py" scripts/avsync/offsets.py "$tmp/v.txt" "$tmp/a.txt" || true)
  if [ "$player" = rtspview ]; then
    # The player's own measure (player/audiosync.go), logged every 5 s:
    # the median of the logged offsets, to set beside the capture's.
    own=$(sed -n 's/.*msg="player: lip sync".* offset=\([-0-9.]*\)\(m\|µ\)\{0,1\}s.*/\1 \2/p' "$tmp/$player.log" |
      awk '{v=$1; if ($2=="µ") v/=1000; else if ($2=="") v*=1000; print v}' | sort -g |
      awk '{a[NR]=$1} END{if (NR) printf "median %+.0f ms of %d (min %+.0f, max %+.0f)", a[int((NR+1)/2)], NR, a[1], a[NR]}')
  fi
  if [ -n "${KEEP:-}" ]; then cp "$tmp/v.txt" "$tmp/a.txt" "$tmp/cap.err" "$tmp/$player.log" "$KEEP/" 2>/dev/null || true; fi
  if [[ $r == n=* ]]; then
    eval "$(tr ' ' '\n' <<<"$r" | sed 's/^/R_/')"
    echo "| $player | $R_n | $R_median ms | $R_worst ms | $R_mean ms | $R_min ms | $R_max ms | $R_flashes | $R_beeps | $R_capture_fps |"
  else
    echo "| $player | $r | | | | | | | | |"
  fi
done
echo
[ -n "${own:-}" ] && echo "rtspview's own offset (Stats.Audio.SyncOffset from the sender reports, logged every 5 s): ${own}."
echo "Offset = beep onset − flash onset on the screen, ms (positive: the sound is late; ±10 ms from the 50 fps capture). Load after: $(cut -d' ' -f1-3 /proc/loadavg)"
