#!/usr/bin/env bash
# Render the app icon's PNGs from its hand-drawn SVG, into the freedesktop hicolor layout
# under assets/icons/ (so installing is a plain copy). The PNGs are committed, so building
# the app never needs this; run it after editing the SVG. Needs rsvg-convert (librsvg2-bin).
set -euo pipefail
cd "$(dirname "$0")/.."

APP_ID=$(.venv/bin/python -c 'import routineplayer; print(routineplayer.APP_ID)' 2>/dev/null ||
    sed -n 's/^APP_ID = "\(.*\)"$/\1/p' src/routineplayer/__init__.py)
ICONS=assets/icons/hicolor
SVG=$ICONS/scalable/apps/$APP_ID.svg
SIZES=(48 64 128 256)

command -v rsvg-convert >/dev/null || {
    echo "render-icons: rsvg-convert is missing: sudo apt-get install librsvg2-bin" >&2
    exit 1
}
for size in "${SIZES[@]}"; do
    out=$ICONS/${size}x${size}/apps/$APP_ID.png
    mkdir -p "$(dirname "$out")"
    rsvg-convert --width "$size" --height "$size" "$SVG" --output "$out"
    echo "$out"
done
