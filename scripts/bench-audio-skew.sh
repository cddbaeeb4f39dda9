#!/usr/bin/env bash
# bench-audio-skew.sh: does the sound's delay stay put, without a click,
# when the camera's clock and the sound card's drift apart (issue 19, "Low
# delay, also after hours")? player/audioskew_bench_test.go serves an
# in-process camera (gortsplib: 320×240 H.264 at 10 fps and a 1 kHz tone
# in PCMU, 8 kHz, 20 ms packets) whose one clock runs SKEW percent fast
# (negative: slow) against the wall clock, and plays it with player.Stream
# into sound.Output on a PulseAudio null sink (paced by the system clock,
# as a sound card by its crystal). Every 30 s it logs the delay
# (Output.Latency, the mean over the 30 s), the jitter buffer's counters and
# the lip sync's; it records the sink for the first and the last minute
# and measures the longest gap and the clicks in both. The line starting
# RESULT sums it up.
#
#   scripts/bench-audio-skew.sh                      # 30 min at +0.1 %
#   DURATION=5m SKEW=-0.1 scripts/bench-audio-skew.sh
#   NICE=-10 scripts/bench-audio-skew.sh             # the player ahead of a loaded machine's work (root)
#
# DURATION is a whole number of s, m or h. The build and the player run
# under nice (NICE, 10 when unset): the player takes about a tenth of a
# core. On a loaded machine a niced player's sound stalls (docs/sound.md,
# "Clock skew over 30 minutes"): NICE=-10 measures the clocks instead.
#
# Needs pulseaudio, pulseaudio-utils, libasound2-plugins and ffmpeg
# (scripts/setup.sh installs them).
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${DURATION:-30m}
skew=${SKEW:-0.1}
niceness=${NICE:-10}
# The test's own timeout: the run, and ten minutes for the start.
timeout=$(( $(sed -E 's/^([0-9]+)h$/\1*3600/; s/^([0-9]+)m$/\1*60/; s/^([0-9]+)s$/\1/' <<<"$duration") + 600 ))s
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
nice -n 10 go test -c -o "$tmp/player.test" ./player/
cd player
RTSPVIEW_BENCH_SKEW=1 RTSPVIEW_BENCH_DURATION=$duration RTSPVIEW_BENCH_SKEW_PERCENT=$skew \
  nice -n "$niceness" "$tmp/player.test" -test.run '^TestAudioClockSkew$' -test.v -test.timeout "$timeout"
