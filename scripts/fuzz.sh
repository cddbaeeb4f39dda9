#!/usr/bin/env bash
# fuzz.sh runs every FuzzXxx target of the repository for a short time each
# (default 20s). New interesting inputs land in each package's
# testdata/fuzz/FuzzXxx directory; commit them to keep the corpus growing.
set -euo pipefail
cd "$(dirname "$0")/.."
t=${1:-20s}
for pkg in $(go list ./...); do
  for f in $(go test -list '^Fuzz' "$pkg" 2>/dev/null | grep '^Fuzz' || true); do
    echo "== $pkg $f"
    go test -run="^$" -fuzz="^$f\$" -fuzztime="$t" -fuzzminimizetime=3s "$pkg"
  done
done
