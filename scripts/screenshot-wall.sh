#!/usr/bin/env bash
# screenshot-wall.sh: the README's pictures of the camera wall, taken from
# the real window under a private Xvfb and driven with xdotool as a person
# would:
#   docs/wall-4x4.png        sixteen named, live cameras (auto layout: 4×4)
#   docs/wall-full-stats.png one of them double-clicked full, with the
#                            stats overlay (key I)
# Four short clips of different test pictures are made once with ffmpeg
# and served by four gst-rtsp-servers as live cameras.
set -euo pipefail
cd "$(dirname "$0")/.."
go build -o bin/rtspview .
source scripts/peers.sh

srcs=(
  "testsrc2=size=1280x720:rate=25"
  "smptehdbars=size=1280x720:rate=25"
  "mandelbrot=size=1280x720:rate=25"
  "testsrc=size=1280x720:rate=25"
)
for i in "${!srcs[@]}"; do
  ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "${srcs[$i]}" -t 30 \
    -c:v libx264 -preset ultrafast -pix_fmt yuv420p -bf 0 -g 25 -b:v 2M -maxrate 2M -bufsize 2M "$tmp/clip$i.mp4"
  gst "port$i" --file "$tmp/clip$i.mp4" --live --path /cam
done

names=("Front door" "Driveway" "Garage" "Back yard" "Lobby" "Stairs 1F" "Stairs 2F" "Loading bay"
  "Parking A" "Parking B" "Server room" "Reception" "Gate" "Warehouse" "Office" "Roof")
{
  echo '{"version": 1, "layout": "auto", "cameras": ['
  for i in "${!names[@]}"; do
    p=port$((i % 4))
    sep=,
    [ "$i" -eq $((${#names[@]} - 1)) ] && sep=
    printf '  {"name": "%s", "url": "rtsp://127.0.0.1:%s/cam", "transport": "tcp"}%s\n' "${names[$i]}" "${!p}" "$sep"
  done
  echo ']}'
} >"$tmp/wall.json"

n=96
Xvfb :$n -screen 0 1280x800x24 -nolisten tcp >/dev/null 2>&1 & pids+=($!)
for _ in $(seq 50); do [ -e /tmp/.X11-unix/X$n ] && break; sleep 0.1; done
export DISPLAY=:$n XDG_CONFIG_HOME=$tmp/config
./bin/rtspview --wall "$tmp/wall.json" >"$tmp/rtspview.log" 2>&1 & pids+=($!)
sleep 8 # connect, first keyframes, a few seconds of motion
# The pointer onto the status line, off the tiles: no hover figures (the
# pointer starts in the middle of the screen, on a tile).
xdotool mousemove 300 580
sleep 1
import -window root -crop 960x600+0+0 docs/wall-4x4.png
echo "wrote docs/wall-4x4.png"

# The Lobby (fifth tile: row 2, column 1) full, then I for its figures.
xdotool mousemove 120 250 click --repeat 2 --delay 80 1
sleep 3 # the main stream at full size
xdotool mousemove 300 580 key i
sleep 2 # the overlay's figures are brought up to date once a second
import -window root -crop 960x600+0+0 docs/wall-full-stats.png
echo "wrote docs/wall-full-stats.png"
