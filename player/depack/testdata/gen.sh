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

# H.265 640x360, an IRAP every 25 pictures with VPS/SPS/PPS repeated in
# front of each, 2 slices per picture.
ffmpeg -v error -y -f lavfi -i testsrc=size=640x360:rate=25 -t 2 \
	-c:v libx265 -pix_fmt yuv420p \
	-x265-params keyint=25:min-keyint=25:bframes=0:repeat-headers=1:slices=2:log-level=error \
	-f hevc h265_360p.h265

# Motion JPEG for RTP/JPEG (RFC 2435): baseline with the standard Huffman
# tables (-huffman default; RTP/JPEG cannot carry others), 4:2:0 (type 1),
# and 4:2:0 with restart markers (type 65; ffmpeg writes DRI/RSTn when
# slice-threaded).
ffmpeg -v error -y -f lavfi -i testsrc=size=320x240:rate=25 -frames:v 4 \
	-c:v mjpeg -pix_fmt yuvj420p -huffman default -q:v 8 -f mjpeg jpeg_420.mjpeg
ffmpeg -v error -y -f lavfi -i testsrc2=size=320x240:rate=25 -frames:v 4 \
	-c:v mjpeg -pix_fmt yuvj420p -huffman default -q:v 10 -threads 4 -slices 4 \
	-f mjpeg jpeg_420_restart.mjpeg

# 4:2:2 (type 0) needs luma sampled 2x1; ffmpeg's 4:2:2 is 2x2 with 1x2
# chroma, which RTP/JPEG cannot describe. libjpeg (GStreamer jpegenc) does
# it the RFC's way.
gst-launch-1.0 -q videotestsrc num-buffers=3 pattern=ball \
	! video/x-raw,width=320,height=240,format=Y42B \
	! jpegenc quality=75 ! filesink location=jpeg_422.mjpeg

# libjpeg (GStreamer jpegenc) at IJG qualities: its quantization tables are
# the ones RFC 2435 appendix A derives from Q, which lets the tests check
# ours against an independent implementation.
for q in 20 50 90; do
	gst-launch-1.0 -q videotestsrc num-buffers=1 pattern=smpte \
		! video/x-raw,width=320,height=240,format=I420 \
		! jpegenc quality=$q ! filesink location=jpeg_ijg_q$q.jpg
done

# AAC LC, 48 kHz stereo, a 1 kHz sine for half a second, in ADTS: the
# frames (about 400 bytes, some over 255 for LATM's PayloadLengthInfo) the
# RFC 3640 and RFC 6416 tests packetize and reassemble.
ffmpeg -v error -y -f lavfi -i sine=frequency=1000:sample_rate=48000 -ac 2 -t 0.5 \
	-c:a aac -b:a 160k -f adts aac_48k_stereo.adts
