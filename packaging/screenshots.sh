#!/usr/bin/env bash
# Regenerates the README's screenshots with the app itself (offscreen, default window size).
set -euo pipefail
cd "$(dirname "$0")/.."
out=resources/screenshots
mkdir -p "$out"
export QT_QPA_PLATFORM=offscreen
# fresh settings: the pictures show what a first start shows (hints included), not this user's
XDG_CONFIG_HOME=$(mktemp -d)
export XDG_CONFIG_HOME
trap 'rm -rf "$XDG_CONFIG_HOME"' EXIT
for page in conv1d conv2d channels pooling backprop model; do
    cnn-explorer --page "$page" --screenshot "$out/$page.png"
done
cnn-explorer --page training --demo-train "${DEMO_TRAIN:-120}" --screenshot "$out/training.png"
cnn-explorer --page explain --demo-train "${DEMO_TRAIN:-120}" --screenshot "$out/explain.png"
