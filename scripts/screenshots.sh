#!/usr/bin/env bash
# Render docs/screenshots/*.png (the README's pictures) from the real windows on a virtual X
# screen: every scripts/render_*screenshot*.py (render_screenshots.py: library, player,
# audio-only, check prompt, rest-and-reset, breathing, help; others: e.g. the editor).
# Each runs with its own throw-away per-user folder, so your routines and settings stay out.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-docs/screenshots}
for tool in xvfb-run:xvfb xauth:xauth; do
    if ! command -v "${tool%%:*}" >/dev/null; then
        echo "screenshots: '${tool%%:*}' is missing: install the Debian package ${tool##*:}" >&2
        exit 1
    fi
done

mkdir -p "$OUT"
for renderer in scripts/render_*screenshot*.py; do
    home=$(mktemp -d)
    ROUTINEPLAYER_HOME=$home QT_QPA_PLATFORM=xcb \
        xvfb-run --auto-servernum --server-args='-screen 0 1280x800x24 -dpi 96' \
        .venv/bin/python "$renderer" "$OUT"
    rm -rf "$home"
done
