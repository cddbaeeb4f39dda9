#!/usr/bin/env bash
# bench-loss-quality.sh: what a person sees under packet loss. A recorded
# clip (testsrc2 640×360, 25 fps, 20 s, an IDR a second, no B-frames) from
# gst-rtsp-server over UDP through the tests' lossy relay (5 % of the RTP
# packets dropped, 2 % swapped with the next, seeded), played at the same
# time by rtspview (player.Stream, as the window plays one camera) and by
# ffmpeg, each through a relay of its own with the same seed: both lose the
# very same packets. Every picture each shows is held against the clip's
# picture of the same frame number (SSIM of the luma); "on screen" also
# counts a picture left out as the one still showing. Prints a markdown
# table and writes loss-worst-frames.png: the worst picture of each beside
# its source picture (top rtspview, bottom ffmpeg).
#
#   scripts/bench-loss-quality.sh
#   SEED=11 DROP=0.05 REORDER=0.02 OUT=/tmp/lq scripts/bench-loss-quality.sh
#   DROP=0 REORDER=0 scripts/bench-loss-quality.sh   # the method's floor: 1.0
#
# The test behind it (player/lossquality_test.go, TestLossQuality) is
# skipped in the normal suite: it is a measurement, not an assertion.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${OUT:-$(mktemp -d)}
mkdir -p "$out"
RTSPVIEW_BENCH_LOSS=1 RTSPVIEW_REQUIRE_PEERS=1 RTSPVIEW_BENCH_LOSS_OUT="$out" \
	RTSPVIEW_BENCH_LOSS_SEED="${SEED:-10}" RTSPVIEW_BENCH_LOSS_DROP="${DROP:-0.05}" \
	RTSPVIEW_BENCH_LOSS_REORDER="${REORDER:-0.02}" \
	go test ./player -run '^TestLossQuality$' -count=1 -v -timeout 5m >"$out/test.log" 2>&1 ||
	{ tail -40 "$out/test.log"; exit 1; }
ffmpeg -v error -y -i "$out/worst-rtspview.png" -i "$out/worst-rtspview-source.png" \
	-i "$out/worst-ffmpeg.png" -i "$out/worst-ffmpeg-source.png" \
	-filter_complex '[0][1]hstack[a];[2][3]hstack[b];[a][b]vstack' "$out/loss-worst-frames.png"
cat "$out/results.txt"
echo
echo "worst frames: $out/loss-worst-frames.png; log: $out/test.log"
