#!/bin/sh
# Builds the PyInstaller one-folder app (dist/cnn-explorer/) and checks that it renders a page.
#   sh packaging/build-bundle.sh [python]    (python: one with the app and pyinstaller installed)
# Prints the bundle's size and the build time.
set -eu
cd "$(dirname "$0")/.."
python=${1:-.venv/bin/python}
work=${TMPDIR:-/tmp}/cnn-explorer-bundle-build
start=$(date +%s)
"$python" -m PyInstaller --noconfirm --clean --log-level WARN --workpath "$work" \
    --distpath dist packaging/cnn-explorer.spec
end=$(date +%s)
shot=${TMPDIR:-/tmp}/cnn-explorer-bundle.png
QT_QPA_PLATFORM=offscreen dist/cnn-explorer/cnn-explorer --page training --demo-train 3 \
    --screenshot "$shot"
echo "bundle: $(du -sh dist/cnn-explorer | cut -f1) in dist/cnn-explorer, built in $((end - start)) s"
echo "screenshot: $shot"
