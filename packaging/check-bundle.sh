#!/usr/bin/env bash
# Check a built bundle the way a user's machine runs it: nothing from the source tree or
# .venv, a clean environment, a fresh home. Fails on the first problem:
#   1. every file of routines/ and assets/ is in the bundle's routineplayer/_data/;
#   2. every shared library in the bundle finds its dependencies (plugins that only load on
#      some desktops, like Wayland's, are never exercised by the runs below);
#   3. the frozen app's `validate` (all built-in routine files), `plan warm-up`, and
#      `--smoke-test` offscreen and on a virtual X screen (xvfb), with a private PulseAudio
#      server whose null sink the frozen cue player must find;
#   4. install.sh installs it into a temporary prefix, with valid desktop metadata.
# Usage: packaging/check-bundle.sh [dist/routineplayer]
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD

BUNDLE=$(realpath "${1:-dist/routineplayer}")
EXE=$BUNDLE/routineplayer
INTERNAL=$BUNDLE/_internal # PyInstaller 6's contents directory (sys._MEIPASS)
TIMEOUT_S=180

# Libraries a desktop provides and the bundle deliberately leaves to it: GTK (the qgtk3
# platform theme; Qt falls back without it) and Wayland's client libraries (which must
# match the compositor; Qt falls back to X11 through XWayland without them).
SYSTEM_PROVIDED='^(libgtk-3|libgdk-3|libwayland-[a-z]+)\.so'

say() { printf 'check-bundle: %s\n' "$*" >&2; }
fail() {
    say "FAIL: $*"
    exit 1
}

[[ -x $EXE ]] || fail "$EXE does not exist: build it with make package"
scratch=$(mktemp -d)
cleanup() {
    [[ -n ${PULSE_RUNTIME_PATH:-} ]] && pulseaudio --kill 2>/dev/null
    rm -rf "$scratch"
}
trap cleanup EXIT

# 1. data files
while read -r source dest; do
    if ! diff <(cd "$source" && find . -type f | sort) \
        <(cd "$INTERNAL/$dest" 2>/dev/null && find . -type f | sort) >"$scratch/data.diff"; then
        cat "$scratch/data.diff" >&2
        fail "the bundle's $dest differs from $source/ (< only in the source tree, > only in the bundle)"
    fi
done < <(.venv/bin/python packaging/bundle_contents.py)
say "ok: data files"

# 2. shared libraries (ldd finds the bundle's own through LD_LIBRARY_PATH, as the
# bootloader sets it, and Qt's through their RUNPATH); a library the loader cannot map (a
# damaged file) shows as "error while loading" or "not a dynamic executable".
missing=$(find "$INTERNAL" -type f \( -name '*.so' -o -name '*.so.*' \) -print0 |
    while IFS= read -r -d '' lib; do
        LD_LIBRARY_PATH=$INTERNAL ldd "$lib" 2>&1 | awk -v lib="${lib#"$INTERNAL"/}" '
            / => not found/ { print $1 " (needed by " lib ")" }
            /error while loading|not a dynamic executable/ {
                sub(/^.*error while loading shared libraries: /, ""); sub(/^[ \t]+/, "")
                print lib ": " $0 }'
    done | grep -Ev "$SYSTEM_PROVIDED" | sort -u || true)
[[ -z $missing ]] || fail "libraries missing or unloadable: $missing"
say "ok: shared libraries"

# 3. the frozen app, in a clean environment and an empty working directory
frozen() { # frozen offscreen|xvfb ARGS...   (its output is also kept in $scratch/out.txt)
    local wrapper=() platform=offscreen status=0
    if [[ $1 == xvfb ]]; then
        wrapper=(xvfb-run --auto-servernum --server-args="-screen 0 1280x800x24")
        platform=xcb
    fi
    shift
    say "run: routineplayer $* ($platform)"
    (cd "$scratch/cwd" && env -i HOME="$scratch/home" PATH=/usr/bin:/bin LANG=C.UTF-8 \
        ROUTINEPLAYER_HOME="$scratch/rp-home" QT_QPA_PLATFORM=$platform \
        PULSE_RUNTIME_PATH="$PULSE_RUNTIME_PATH" \
        timeout "$TIMEOUT_S" "${wrapper[@]}" "$EXE" "$@") >"$scratch/out.txt" || status=$?
    cat "$scratch/out.txt"
    ((status == 0)) || fail "the frozen app failed (exit $status): routineplayer $* ($platform)"
}
command -v xvfb-run >/dev/null || fail "xvfb-run is missing: sudo apt-get install xvfb xauth"
mkdir -p "$scratch/cwd" "$scratch/home"
# A private sound server (scripts/start-audio.sh honours these), stopped by cleanup().
export PULSE_RUNTIME_PATH=$scratch/pulse PULSE_STATE_PATH=$scratch/pulse-state
sh scripts/start-audio.sh >/dev/null || fail "could not start PulseAudio (scripts/start-audio.sh)"

frozen offscreen validate "$ROOT"/routines/*.yaml
frozen offscreen plan warm-up >"$scratch/plan.txt"
[[ -s $scratch/plan.txt ]] || fail "plan warm-up printed nothing"
frozen offscreen --smoke-test
grep -q "sound output ready" "$scratch/out.txt" ||
    fail "the frozen cue player found no sound output, though a PulseAudio sink is there"
frozen xvfb --smoke-test
say "ok: frozen validate, plan, smoke test (offscreen and X11)"

# 4. install into a temporary prefix
prefix=$scratch/prefix
"$BUNDLE/install.sh" --prefix "$prefix" >/dev/null
desktop=$(echo "$prefix"/share/applications/*.desktop)
desktop-file-validate "$desktop" || fail "the installed $desktop does not validate"
appstreamcli validate --no-net --strict "$prefix"/share/metainfo/*.metainfo.xml >/dev/null ||
    fail "the installed metainfo does not validate"
exec_path=$(sed -n "s/^TryExec=//p" "$desktop")
[[ -x $exec_path ]] || fail "the installed desktop file runs '$exec_path', which is not there"
PATH=/usr/bin:/bin ROUTINEPLAYER_HOME="$scratch/rp-home" "$prefix/bin/routineplayer" list >/dev/null ||
    fail "the installed routineplayer list failed"
"$prefix/lib/routineplayer/install.sh" --prefix "$prefix" --uninstall >/dev/null
[[ ! -e $prefix/bin/routineplayer && ! -e $desktop ]] || fail "uninstall left files behind"
say "ok: install.sh (install, run, uninstall)"
