#!/usr/bin/env bash
# check-peers.sh fails, naming each one, when a peer the tests need is
# missing: the commands the tests run as second clients or helpers, and
# gst-rtsp-server through python3-gi. scripts/test.sh runs it first, so a
# machine without ffmpeg, ffprobe or gnome-keyring fails at once and says
# what to install, rather than after minutes of building; each test's own
# gate (internal/peer) fails too under RTSPVIEW_REQUIRE_PEERS or CI.
set -uo pipefail

# command:Debian package that installs it (scripts/setup.sh installs all)
need=(
  ffmpeg:ffmpeg ffprobe:ffmpeg
  gnome-keyring-daemon:gnome-keyring dbus-run-session:dbus-daemon
  Xvfb:xvfb xdotool:xdotool import:imagemagick openbox:openbox
  tinyproxy:tinyproxy ip:iproute2 nft:nftables node:nodejs
)
missing=()
for c in "${need[@]}"; do
  command -v "${c%%:*}" >/dev/null 2>&1 || missing+=("${c%%:*} is missing: install ${c#*:}")
done
if ! command -v stunnel4 >/dev/null 2>&1 && ! command -v stunnel >/dev/null 2>&1; then
  missing+=("stunnel4 is missing: install stunnel4")
fi
if ! /usr/bin/python3 -c "import gi; gi.require_version('GstRtspServer', '1.0'); from gi.repository import GstRtspServer" >/dev/null 2>&1; then
  missing+=("gst-rtsp-server through /usr/bin/python3 is missing: install python3-gi gir1.2-gst-rtsp-server-1.0")
fi
if [ ! -f "$(dirname "$0")/../onvif/onviftest/node/node_modules/onvif/package.json" ]; then
  missing+=("the node onvif package is missing: npm ci --prefix onvif/onviftest/node")
fi
if [ ${#missing[@]} -gt 0 ]; then
  echo "check-peers: the tests need peers that are missing here; run scripts/setup.sh:" >&2
  for m in "${missing[@]}"; do echo "  $m" >&2; done
  exit 1
fi
