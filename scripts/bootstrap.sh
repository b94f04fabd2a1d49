#!/usr/bin/env bash
# Set up everything `make run` and `make test` need, on Debian 12 with only python3:
#   1. the Debian packages (installed when run as root; otherwise the one apt line is printed),
#   2. .venv with exactly the Python packages requirements.lock names (hashes checked),
#      then the project itself, editable.
# Idempotent: the second run only checks (dpkg-query and a stamp file) and takes well under a
# second. Run it directly or through make; PYTHON=python3.12 picks another interpreter.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
VENV=.venv
STAMP=.stamp-venv # holds a hash of what the venv was installed from; see .gitignore
LOCK=requirements.lock # every Python package, pinned with hashes: `make lock` writes it

# What the program, its tests and its tools need from the system:
#   speech: espeak-ng (the voice pyttsx3 drives through libespeak-ng1);
#   audio tests: pulseaudio + null sink, pactl/parec/paplay, sox to measure, alsa-utils;
#   GUI tests and screenshots: xvfb, xauth, xdotool, imagemagick;
#   keep-awake tests: dbus-daemon (a private session bus);
#   notification tests: dunst (a real notification server; dunstctl drives it, through
#   dbus-send from dbus-bin);
#   packaging: desktop-file-utils, appstream (checks), binutils (PyInstaller runs objdump
#   and strip), librsvg2-bin (packaging/render-icons.sh);
#   Qt 6 wheels: the xcb/wayland/EGL/GL/font/dbus/pulse libraries their platform and
#   multimedia plugins link against (found with ldd on PySide6's plugins/platforms/*.so,
#   plugins/multimedia/*.so and Qt/lib/libQt6{Gui,XcbQpa,Multimedia}.so in a debootstrapped
#   Debian 12 with only python3 and make).
DEBIAN_PACKAGES=(
    python3-venv
    espeak-ng libespeak-ng1
    pulseaudio pulseaudio-utils alsa-utils libasound2-plugins sox libsox-fmt-all
    xvfb xauth xdotool imagemagick
    desktop-file-utils appstream binutils librsvg2-bin
    fonts-dejavu-core dbus-daemon
    dunst dbus-bin
    # the accessibility walk (tests/xvfb/test_atspi_walk.py): the AT-SPI bus launcher and
    # registry, and pyatspi for Debian's python3, which runs tests/xvfb/atspi_walker.py
    at-spi2-core python3-pyatspi
    libegl1 libgl1 libdrm2 libfontconfig1 libfreetype6 libdbus-1-3 libpulse0 libglib2.0-0
    libzstd1 libx11-6 libx11-xcb1 libxext6 libxrandr2 libxkbcommon0 libxkbcommon-x11-0
    libxcb1 libxcb-cursor0 libxcb-glx0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1
    libxcb-randr0 libxcb-render0 libxcb-render-util0 libxcb-shape0 libxcb-shm0 libxcb-sync1
    libxcb-util1 libxcb-xfixes0 libxcb-xinerama0 libxcb-xkb1 libwayland-cursor0
)

say() { printf 'bootstrap: %s\n' "$*" >&2; }

missing_debian_packages() {
    # dpkg-query prints nothing for a package it has never heard of, so compare both ways.
    local installed
    installed=$(dpkg-query -W -f='${db:Status-Status} ${Package}\n' "${DEBIAN_PACKAGES[@]}" \
        2>/dev/null | awk '$1 == "installed" { sub(/:.*/, "", $2); print $2 }') || true
    local p
    for p in "${DEBIAN_PACKAGES[@]}"; do
        grep -qxF -- "$p" <<<"$installed" || printf '%s\n' "$p"
    done
}

install_system_packages() {
    if ! command -v dpkg-query >/dev/null; then
        say "not a Debian system: make sure the equivalents of these are installed:"
        say "  ${DEBIAN_PACKAGES[*]}"
        return 0
    fi
    local missing
    mapfile -t missing < <(missing_debian_packages)
    ((${#missing[@]} == 0)) && return 0

    if [[ $(id -u) != 0 ]]; then
        say "these Debian packages are missing: ${missing[*]}"
        say "install them with this one command, then run make again:"
        printf '\n    sudo apt-get install %s\n\n' "${missing[*]}" >&2
        exit 1
    fi
    say "installing ${#missing[@]} Debian packages: ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
}

install_venv() {
    # Several `make test` runs may start at once (developers share a checkout): one installs,
    # the others wait for it and then find the stamp up to date.
    exec 9>"$STAMP.lock"
    flock 9
    local want
    want="$(cat pyproject.toml "$LOCK" | sha256sum | cut -d' ' -f1) $("$PYTHON" -c 'import sys; print(sys.version.split()[0])')"
    # A venv whose interpreter still runs and whose stamp matches is what the lock says.
    if "$VENV/bin/python" -c '' 2>/dev/null && [[ -f $STAMP && $(<"$STAMP") == "$want" ]]; then
        return 0
    fi
    # Anything else is rebuilt from nothing rather than patched: a venv upgraded in place
    # keeps packages the lock has dropped, and then differs from a fresh machine's.
    say "creating $VENV with $PYTHON from $LOCK (pyproject.toml or the lock changed)"
    rm -rf "$VENV" "$STAMP"
    "$PYTHON" -m venv "$VENV"
    # --require-hashes: every package pinned and checked; --no-deps: nothing the lock lacks.
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
        --require-hashes --no-deps -r "$LOCK"
    # The project itself, built by the locked hatchling rather than an unpinned one that
    # pip would fetch into an isolated build environment.
    "$VENV/bin/python" -m pip install --disable-pip-version-check --no-input \
        --no-deps --no-build-isolation -e .
    "$VENV/bin/python" -m pip check
    printf '%s\n' "$want" >"$STAMP"
}

install_system_packages
install_venv
