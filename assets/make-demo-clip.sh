#!/usr/bin/env bash
# make-demo-clip.sh writes assets/demo.h264, the built-in demo stream: 4 s of
# FFmpeg's moving testsrc2 pattern at 1280x720, 25 fps, as Annex-B H.264.
# Baseline profile, no B-frames and a keyframe every second, so a viewer
# shows a picture within a second of joining; SPS/PPS are repeated before
# every IDR so any keyframe is a valid starting point. The demo server loops
# it forever with continuous RTP timestamps.
set -euo pipefail
cd "$(dirname "$0")"
ffmpeg -v error -y -f lavfi -i "testsrc2=size=1280x720:rate=25" -t 4 \
  -c:v libx264 -profile:v baseline -pix_fmt yuv420p -bf 0 -g 25 -keyint_min 25 \
  -sc_threshold 0 -b:v 600k -maxrate 800k -bufsize 800k \
  -x264-params repeat-headers=1 -f h264 demo.h264
ls -l demo.h264
