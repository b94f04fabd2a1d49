#!/usr/bin/env bash
# Build the Linux one-folder bundle dist/routineplayer/ with PyInstaller, add the desktop
# integration files (share/, install.sh), report its size, pack it as a .tar.gz, and check
# the frozen app with packaging/check-bundle.sh. `make package` runs this; `make
# package-check` (CI) runs it with --clean, which throws away PyInstaller's cache first.
# Fails when the unpacked bundle is over the size target.
set -euo pipefail
cd "$(dirname "$0")/.."

SIZE_TARGET_MB=250
BIN=.venv/bin
DIST=dist
WORK=build/pyinstaller
BUNDLE=$DIST/routineplayer

say() { printf 'package: %s\n' "$*" >&2; }

clean=()
case "${1:-}" in
    --clean) clean=(--clean) ;;
    "") ;;
    *) echo "usage: $0 [--clean]" >&2; exit 2 ;;
esac

# PyInstaller comes from requirements.lock with everything else (scripts/bootstrap.sh).
if [[ ! -x $BIN/pyinstaller ]]; then
    say "$BIN/pyinstaller is missing: run make setup (it installs .venv from the lock)"
    exit 1
fi

if [[ ${#clean[@]} -gt 0 ]]; then
    rm -rf "$WORK" "$BUNDLE"
fi
say "building $BUNDLE with $("$BIN/pyinstaller" --version) (a few minutes from clean)"
mkdir -p "$WORK"
"$BIN/pyinstaller" --noconfirm --log-level WARN "${clean[@]}" \
    --distpath "$DIST" --workpath "$WORK" packaging/routineplayer.spec 2>&1 | tee "$WORK/build.log"
# PyInstaller reports a hidden import it cannot find as an ERROR and still builds; the app
# would fail only when it reaches that import, so fail here.
if grep -E '[0-9]+ ERROR: ' "$WORK/build.log" >&2; then
    say "FAIL: PyInstaller reported errors (above); the full log is $WORK/build.log"
    exit 1
fi

bash packaging/add-desktop-files.sh "$BUNDLE"
version=$("$BIN/python" -c 'from routineplayer import __version__; print(__version__)')

# Apparent size (what unpacking takes before file-system rounding), in MB of 2^20 bytes.
size_mb=$(($(du -sb "$BUNDLE" | cut -f1) / 1048576))
archive=$DIST/routineplayer-$version-linux-$(uname -m).tar.gz
tar -C "$DIST" -czf "$archive" routineplayer
archive_mb=$(($(stat -c %s "$archive") / 1048576))
echo "bundle_size_mb $size_mb MB (target <= $SIZE_TARGET_MB)"
echo "bundle_archive_mb $archive_mb MB (target none, reported only)"
say "bundle: $BUNDLE  archive: $archive"

bash packaging/check-bundle.sh "$BUNDLE"

if ((size_mb > SIZE_TARGET_MB)); then
    say "FAIL: the bundle is $size_mb MB, over the $SIZE_TARGET_MB MB target"
    exit 1
fi
