# bench-clip.sh is sourced by the bench scripts (bench-wall.sh,
# bench-record.sh): the realistic camera clip they serve, encoded once.
#
# clip SIZE prints "FILE BITRATE" of the cached clip for SIZE: testsrc2
# with motion plus temporal noise, x264 at ~3 Mb/s, 25 fps, a keyframe
# every 2 s, no B-frames as cameras send, 60 s long, in
# ~/.cache/rtspview/bench (RTSPVIEW_BENCH_CACHE), encoded on first use.
cache=${RTSPVIEW_BENCH_CACHE:-$HOME/.cache/rtspview/bench}
clip_s=60 # each client's pipeline plays the file once: warm-up + window + margin

clip() {
  local size=$1 f="$cache/clip-$1.mp4"
  if [ ! -s "$f" ]; then
    mkdir -p "$cache"
    echo "encoding $f (once, about a minute)…" >&2
    # noise=…:allf=t+u: fresh noise each frame, as a camera sensor gives,
    # so the bitrate and the decoder's work are a real camera's, not a
    # test pattern's (which x264 squeezes to a few hundred kb/s).
    nice ffmpeg -nostdin -hide_banner -loglevel error -y \
      -f lavfi -i "testsrc2=size=$size:rate=25,noise=alls=10:allf=t+u" -t $clip_s \
      -c:v libx264 -preset veryfast -profile:v main -pix_fmt yuv420p -bf 0 \
      -b:v 3M -maxrate 3.5M -bufsize 3M -g 50 -keyint_min 50 -sc_threshold 0 \
      -movflags +faststart -f mp4 "$f.tmp"
    mv "$f.tmp" "$f"
  fi
  local br
  br=$(ffprobe -v error -select_streams v:0 -show_entries format=bit_rate -of csv=p=0 "$f")
  if [ "$br" -lt 2000000 ] || [ "$br" -gt 4000000 ]; then
    echo "clip $f: $br b/s is outside 2–4 Mb/s" >&2
    exit 1
  fi
  echo "$f $br"
}
