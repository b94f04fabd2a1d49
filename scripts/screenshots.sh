#!/usr/bin/env bash
# Render docs/screenshots/*.png (the README's pictures, and one of every page and state a
# person meets) from the real windows on a virtual X screen: every
# scripts/render_*screenshot*.py (render_screenshots.py: the main window, the player and its
# dialogs, also at 800x600 and 1920x1080; render_editor_screenshot.py: the editor;
# render_journal_screenshots.py: the history and the assessment).
# Each runs with its own throw-away per-user folder, so your routines and settings stay out.
# Every renderer runs even when one fails; the script then fails, naming the ones that did.
set -euo pipefail
cd "$(dirname "$0")/.."

OUT=${1:-docs/screenshots}
# Big enough for the 1920x1080 pictures.
SCREEN=1920x1200x24
# The README's pictures are light; ROUTINEPLAYER_THEME=dark bash scripts/screenshots.sh DIR
# renders the dark ones.
THEME=${ROUTINEPLAYER_THEME:-light}
for tool in xvfb-run:xvfb xauth:xauth; do
    if ! command -v "${tool%%:*}" >/dev/null; then
        echo "screenshots: '${tool%%:*}' is missing: install the Debian package ${tool##*:}" >&2
        exit 1
    fi
done

mkdir -p "$OUT"
home=""
trap 'if [[ -n "$home" ]]; then rm -rf "$home"; fi' EXIT
failed=()
for renderer in scripts/render_*screenshot*.py; do
    home=$(mktemp -d)
    if ! ROUTINEPLAYER_HOME=$home ROUTINEPLAYER_THEME=$THEME QT_QPA_PLATFORM=xcb \
        xvfb-run --auto-servernum --server-args="-screen 0 $SCREEN -dpi 96" \
        .venv/bin/python "$renderer" "$OUT"; then
        failed+=("$renderer")
    fi
    rm -rf "$home"
    home=""
done
if (( ${#failed[@]} )); then
    echo "screenshots: these could not make every picture: ${failed[*]}" >&2
    exit 1
fi
