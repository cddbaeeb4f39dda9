#!/usr/bin/env bash
# setup.sh installs everything rtspview needs to build, run and test on a
# fresh Debian 12 machine. It is idempotent: packages already present are
# skipped by apt, and Go modules come from the pinned go.sum.
set -euo pipefail

pkgs=(
  # build: cgo, OpenGL/X11 headers for Fyne, FFmpeg 5.1 headers for go-astiav
  gcc pkg-config libgl1-mesa-dev xorg-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev
  libavfilter-dev libavdevice-dev
  # run: the sound systems the output loads at run time (miniaudio through
  # malgo dlopens libpulse, else libasound; no headers are needed to build)
  libpulse0 libasound2
  # tests: a second RTSP client, an X server for screenshots, image checks,
  # xdotool to click and type in the window as a person would, openbox as
  # a window manager that really minimises it (e2e/minimise_test.go)
  ffmpeg xvfb imagemagick x11-apps xdotool openbox
  # tests: gst-rtsp-server through python3-gi as an independent RTSP peer
  python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-tools
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-plugins-ugly gstreamer1.0-libav
  # tests: TLS front end and fault injection
  stunnel4 iproute2 nftables tinyproxy
  # tests: a real Secret Service for the camera passwords (internal/secrets
  # starts gnome-keyring-daemon in its own dbus-run-session), and OCR to read
  # the camera names on a screenshot of the wall
  dbus-daemon gnome-keyring tesseract-ocr
  # tests: a sound card to hear (sound/soundtest): PulseAudio with a null
  # sink, parec to record it, and ALSA's default routed to it
  pulseaudio pulseaudio-utils libasound2-plugins
)

missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# tests: node and npm for an independent ONVIF client (agsh's onvif, pinned
# in onvif/onviftest/node) that reads the simulated cameras. Checked by
# command: a machine may have node from elsewhere than Debian.
if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
  missing+=(nodejs npm)
fi
if [ ${#missing[@]} -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO=sudo
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

if ! command -v go >/dev/null 2>&1; then
  if [ -x /usr/local/go/bin/go ]; then
    export PATH=/usr/local/go/bin:$PATH
  else
    echo "setup: Go 1.25 or newer is required (https://go.dev/dl/)" >&2
    exit 1
  fi
fi
cd "$(dirname "$0")/.."
if [ -f go.mod ]; then
  go mod download
fi
# The pinned node packages (package-lock.json), once.
if [ ! -f onvif/onviftest/node/node_modules/onvif/package.json ]; then
  npm ci --prefix onvif/onviftest/node --no-audit --no-fund --loglevel=error
fi
