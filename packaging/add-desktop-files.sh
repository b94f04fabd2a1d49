#!/usr/bin/env bash
# Put the desktop integration files into a bundle, in the layout of a prefix's share/, so
# its install.sh (a copy of install-local.sh) installs them as they are:
#   BUNDLE/share/applications/APP_ID.desktop, BUNDLE/share/metainfo/APP_ID.metainfo.xml,
#   BUNDLE/share/icons/hicolor/*/apps/APP_ID.{png,svg}, BUNDLE/install.sh
# Usage: packaging/add-desktop-files.sh BUNDLE   (build.sh calls it; so do the tests)
set -euo pipefail
cd "$(dirname "$0")/.."

bundle=${1:?usage: add-desktop-files.sh BUNDLE}
app_id=$(sed -n 's/^APP_ID = "\(.*\)"$/\1/p' src/routineplayer/__init__.py)
[[ -n $app_id ]] || { echo "add-desktop-files: no APP_ID in src/routineplayer/__init__.py" >&2; exit 1; }

install -D -m 644 "packaging/linux/$app_id.desktop" "$bundle/share/applications/$app_id.desktop"
install -D -m 644 "packaging/linux/$app_id.metainfo.xml" "$bundle/share/metainfo/$app_id.metainfo.xml"
rm -rf "$bundle/share/icons"
mkdir -p "$bundle/share/icons"
cp -r assets/icons/hicolor "$bundle/share/icons/"
install -m 755 packaging/install-local.sh "$bundle/install.sh"
