#!/usr/bin/env bash
# Install the RoutinePlayer bundle for the current user (no root), so it appears in the
# desktop's application menu with its icon. The bundle carries this script as install.sh;
# from a source checkout it installs dist/routineplayer (built by `make package`).
#
#   install.sh [--prefix DIR] [--uninstall]      (DIR defaults to ~/.local)
#
# Installs:
#   DIR/lib/routineplayer/                          the bundle (a copy)
#   DIR/bin/routineplayer                           a link to its executable
#   DIR/share/applications/APP_ID.desktop           with Exec= set to that executable
#   DIR/share/metainfo/APP_ID.metainfo.xml
#   DIR/share/icons/hicolor/*/apps/APP_ID.{png,svg}
set -euo pipefail

prefix=$HOME/.local
uninstall=false
while (($#)); do
    case $1 in
        --prefix) prefix=${2:?--prefix needs a folder}; shift 2 ;;
        --uninstall) uninstall=true; shift ;;
        -h | --help) sed -n '2,14s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "install.sh: unknown option $1 (try --help)" >&2; exit 2 ;;
    esac
done

here=$(cd "$(dirname "$0")" && pwd)
if [[ -x $here/routineplayer && -d $here/_internal ]]; then
    bundle=$here # run from inside the bundle
else
    bundle=$here/../dist/routineplayer # run from packaging/ in a source checkout
fi
[[ -x $bundle/routineplayer && -d $bundle/share/applications ]] || {
    echo "install.sh: no bundle at $bundle; build it first with: make package" >&2
    exit 1
}
bundle=$(cd "$bundle" && pwd)
desktop_src=$(echo "$bundle"/share/applications/*.desktop)
app_id=$(basename "$desktop_src" .desktop)

prefix=$(mkdir -p "$prefix" && cd "$prefix" && pwd)
target=$prefix/lib/routineplayer
apps=$prefix/share/applications
icons=$prefix/share/icons/hicolor

refresh_caches() {
    # Optional: menus pick the changes up without them, only later.
    if command -v update-desktop-database >/dev/null; then
        update-desktop-database -q "$apps" 2>/dev/null || true
    fi
    # Only refresh an icon cache that exists: a new one would hide the icons of other apps
    # that install into the same folder without updating it.
    if [[ -f $icons/icon-theme.cache ]] && command -v gtk-update-icon-cache >/dev/null; then
        gtk-update-icon-cache -q -f -t "$icons" 2>/dev/null || true
    fi
}

if $uninstall; then
    rm -f "$prefix/bin/routineplayer" "$apps/$app_id.desktop" \
        "$prefix/share/metainfo/$app_id.metainfo.xml" "$icons"/*/apps/"$app_id".*
    rm -rf "$target"
    refresh_caches
    echo "Removed RoutinePlayer from $prefix (your routines and journal are kept)."
    exit 0
fi

if [[ $bundle != "$target" ]]; then
    rm -rf "$target.new"
    mkdir -p "$prefix/lib"
    cp -a "$bundle" "$target.new"
    rm -rf "$target"
    mv "$target.new" "$target"
fi
mkdir -p "$prefix/bin"
ln -sfn "$target/routineplayer" "$prefix/bin/routineplayer"

mkdir -p "$apps" "$prefix/share/metainfo" "$icons"
cp -r "$target/share/icons/hicolor/." "$icons/"
cp "$target/share/metainfo/$app_id.metainfo.xml" "$prefix/share/metainfo/"
# The desktop file names the executable by absolute path: ~/.local/bin is not on the
# PATH of every desktop session. Quoted, in case the path has spaces.
sed -e "s|^Exec=.*|Exec=\"$target/routineplayer\"|" -e "s|^TryExec=.*|TryExec=$target/routineplayer|" \
    -e '/^# /d' "$target/share/applications/$app_id.desktop" >"$apps/$app_id.desktop"
refresh_caches

echo "Installed RoutinePlayer in $target"
echo "Start it from your application menu, or run: $prefix/bin/routineplayer"
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "($prefix/bin is not on your PATH; add it to run 'routineplayer' by name.)" ;;
esac
