#!/usr/bin/env bash
# Render docs/screenshots/*.png (the README's pictures) from the real window on a virtual X
# screen: library, player, audio-only, check prompt, rest-and-reset, breathing, help.
# Per-user files go to a throw-away folder so your own routines and settings stay out of them.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-docs/screenshots}
for tool in xvfb-run:xvfb xauth:xauth; do
    if ! command -v "${tool%%:*}" >/dev/null; then
        echo "screenshots: '${tool%%:*}' is missing: install the Debian package ${tool##*:}" >&2
        exit 1
    fi
done

home=$(mktemp -d)
trap 'rm -rf "$home"' EXIT
ROUTINEPLAYER_HOME=$home QT_QPA_PLATFORM=xcb \
    xvfb-run --auto-servernum --server-args='-screen 0 1280x800x24 -dpi 96' \
    .venv/bin/python scripts/render_screenshots.py "$OUT"
