#!/usr/bin/env bash
# make-icon.sh draws assets/icon.png (a video camera on a blue tile) with
# ImageMagick, so the icon can be rebuilt and changed as text.
set -euo pipefail
cd "$(dirname "$0")"
convert -size 512x512 xc:none -fill '#1e88e5' -draw "roundrectangle 32,32 480,480 96,96" \
  -fill white -draw "roundrectangle 96,176 336,352 28,28" -draw "polygon 352,236 432,188 432,340 352,292" \
  -fill '#1e88e5' -draw "circle 216,264 216,316" -fill white -draw "circle 216,264 216,290" icon.png
