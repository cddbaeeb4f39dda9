#!/bin/sh
# Regenerates the media the depack tests packetize and reassemble.
# Real encoder output (libx264, libx265, ffmpeg's mjpeg) rather than
# hand-built bytes, kept small enough to check in. Run from this directory.
set -eu

# H.264 720p, one IDR per second, no B-frames: the clip the round-trip
# tests and BenchmarkDepacketizeH264 use. Big IDRs become FU-A, SPS/PPS
# small enough for STAP-A.
ffmpeg -v error -y -f lavfi -i testsrc=size=1280x720:rate=25 -t 2 \
	-c:v libx264 -pix_fmt yuv420p -g 25 -bf 0 -f h264 h264_720p.h264

# H.264 with 4 slices per picture and access unit delimiters: several VCL
# NAL units per access unit, AUD and SEI passing through.
ffmpeg -v error -y -f lavfi -i testsrc2=size=320x240:rate=25 -t 1 \
	-c:v libx264 -pix_fmt yuv420p -g 10 -bf 0 -x264-params slices=4:aud=1 \
	-f h264 h264_slices_aud.h264
