#!/bin/sh
# make-demo-clip.sh regenerates demo.h264, the clip that package demo loops
# forever as the built-in demo stream. Run it from anywhere; it writes next to
# itself. The output is committed, so this only needs running after a change.
#
# What the flags are for:
#   testsrc          colour bars, a moving hue sweep and a big seconds counter;
#                    flat areas keep the clip small (testsrc2 is 3x larger).
#   drawtext         a frame counter that glides left/right with a 4 s period,
#                    so motion and frame drops are obvious; skipped (with a
#                    note) when drawtext or a font is unavailable.
#   -profile:v main -pix_fmt yuv420p
#                    testsrc+libx264 would pick High 4:4:4, which few decoders
#                    and no cameras use. Main (CABAC) rather than baseline:
#                    20% smaller (158 KB vs 197 KB), and the gst-rtsp-server
#                    test peer already sends constrained baseline, so the two
#                    peers exercise both entropy coders.
#   -bf 0            no B-frames: decode order == display order, so RTP
#                    timestamps are simply frame*3600 (90 kHz, 25 fps).
#   -g 25 -keyint_min 25 -sc_threshold 0
#                    an IDR every second exactly, so a new viewer starts within 1 s.
#   repeat-headers=1 SPS/PPS before every IDR (in-band, as cameras do), besides
#                    the sprop-parameter-sets the server puts in the SDP.
#   -f h264          raw Annex-B byte stream.
set -eu

dir=$(cd "$(dirname "$0")" && pwd)
out="$dir/demo.h264"

src="testsrc=size=1280x720:rate=25:duration=4"
text="drawtext=font=Mono:fontsize=56:fontcolor=white:box=1:boxcolor=black@0.7:boxborderw=10"
text="$text:x=40+(w-tw-80)*(1-cos(2*PI*t/4))/2:y=h-160"
text="$text:text='rtspview demo  frame %{eif\\:n+1\\:d\\:3}/100'"

encode() {
	ffmpeg -hide_banner -loglevel error -y \
		-f lavfi -i "$src" \
		"$@" \
		-c:v libx264 -profile:v main -preset medium -pix_fmt yuv420p \
		-bf 0 -g 25 -keyint_min 25 -sc_threshold 0 -crf 28 \
		-x264-params repeat-headers=1 \
		-an -f h264 "$out"
}

if ! encode -vf "$text"; then
	echo "make-demo-clip: drawtext failed (no libfreetype or no font); using testsrc's own counter" >&2
	encode
fi

ls -l "$out"
