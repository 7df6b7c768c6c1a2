#!/bin/sh
# Installs the Debian/Ubuntu packages CNN Explorer needs: Python's venv, the libraries Qt's xcb
# window plugin loads (found with `ldd` on PySide6's plugins/platforms/libqxcb.so; Qt names only
# libxcb-cursor0 when any of them is missing), OpenGL/EGL, D-Bus, GLib and a font (the offscreen
# platform the tests use draws text with it). Extra package names given as arguments are added.
# Runs apt-get directly as root (containers often have no sudo) and through sudo otherwise.
set -eu

PACKAGES="python3-venv libegl1 libgl1 libglib2.0-0 libdbus-1-3 libfontconfig1 fonts-dejavu-core
libxkbcommon0 libxkbcommon-x11-0 libx11-xcb1 libxcb1 libxcb-cursor0 libxcb-icccm4 libxcb-image0
libxcb-keysyms1 libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0
libxcb-sync1 libxcb-util1 libxcb-xfixes0 libxcb-xkb1 libxcb-glx0"

if ! command -v apt-get >/dev/null 2>&1; then
    echo "apt-get not found: this is not Debian or Ubuntu. Install the equivalents of:" >&2
    echo "$PACKAGES $*" >&2
    exit 0
fi

if [ "$(id -u)" = 0 ]; then
    as_root=""
elif command -v sudo >/dev/null 2>&1; then
    as_root="sudo"
else
    echo "Installing system packages needs root: run this as root or install sudo." >&2
    exit 1
fi

# shellcheck disable=SC2086  # the lists are meant to split into words
$as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
# shellcheck disable=SC2086
$as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
    $PACKAGES "$@"
