#!/bin/sh
# Start a PulseAudio server if none answers, and make a null sink named routineplayer_test
# the default sink, so sound can be played and recorded from its monitor without any audio
# hardware (CI, containers, headless machines). Prints the monitor source to record from.
#
# Idempotent: safe to run again while the server and the sink exist. Works as root too (CI
# runs as root; PulseAudio only warns about it). For a private server that no other program
# plays into (the audio tests use one), set PULSE_RUNTIME_PATH and PULSE_STATE_PATH to a
# directory of your own first: the server, pactl and every client honour them.
set -eu

SINK="${ROUTINEPLAYER_TEST_SINK:-routineplayer_test}"

need() {
    command -v "$1" >/dev/null 2>&1 || {
        echo "start-audio.sh: '$1' not found: install the Debian package $2" \
            "(sudo apt-get install $2)" >&2
        exit 1
    }
}
need pulseaudio pulseaudio
need pactl pulseaudio-utils

if ! pactl info >/dev/null 2>&1; then
    # --exit-idle-time=-1: stay up with no client (tests connect later);
    # --disallow-exit: clients cannot ask it to quit; --log-level=error: no root warning.
    # A server that just crashed can linger as a zombie until it is reaped, and the new
    # one refuses to start while its pid is taken: retry for a few seconds.
    i=0
    until pulseaudio -D --exit-idle-time=-1 --disallow-exit --log-level=error 2>/dev/null; do
        i=$((i + 1))
        if [ "$i" -gt 50 ]; then
            pulseaudio -D --exit-idle-time=-1 --disallow-exit --log-level=error
            exit 1
        fi
        sleep 0.1
    done
    # The daemon forks before it accepts connections: wait until it answers.
    i=0
    until pactl info >/dev/null 2>&1; do
        i=$((i + 1))
        if [ "$i" -gt 100 ]; then
            echo "start-audio.sh: PulseAudio did not answer within 10 s" >&2
            exit 1
        fi
        sleep 0.1
    done
fi

if ! pactl list short sinks | cut -f2 | grep -qx "$SINK"; then
    pactl load-module module-null-sink sink_name="$SINK" \
        sink_properties=device.description="$SINK" >/dev/null
fi
pactl set-default-sink "$SINK"
# A suspended sink's monitor delivers nothing, so a recording would lose the stretches where
# nothing played and no longer map samples to time: keep the sink running.
if pactl list short modules | cut -f2 | grep -qx module-suspend-on-idle; then
    pactl unload-module module-suspend-on-idle
fi
echo "$SINK.monitor"
