"""Sound going wrong must never stop a routine: no sound server, the sink removed mid-play,
the server crashing and restarting mid-play, and no espeak-ng (chimes and text stand in,
and one line says why)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator

import numpy as np
import pytest
from pytestqt.qtbot import QtBot
from recording import PrivateServer, Recorder, pactl
from support import at_times, chime_clip, render

from routineplayer.speech.availability import LIBRARY_ENV, detect_engine
from routineplayer.speech.chimes import FALLBACK
from routineplayer.speech.player import (
    NO_OUTPUT_REASON,
    SOUND_BACK,
    SOUND_LOST_REASON,
    CuePlayer,
    PlayerState,
)

pytestmark = [pytest.mark.audio, pytest.mark.speech]

TEXTS = ["Rest.", "Halfway."]
EVERY = 0.6


def in_background(action: Callable[[], object]) -> Callable[[], None]:
    """Run a slow shell action off the GUI thread, as the outside world would: a blocked
    event loop would delay the cues and spoil what the test measures."""

    def start() -> None:
        threading.Thread(target=action, daemon=True).start()

    return start


def sink_module() -> str:
    for line in pactl("list", "short", "modules").splitlines():
        if "sink_name=routineplayer_test" in line:
            return line.split("\t")[0]
    raise AssertionError("the routineplayer_test sink is not loaded")


def play_every(qtbot: QtBot, player: CuePlayer, t0: float, count: int, extra: list) -> None:
    script = [(i * EVERY, lambda i=i: player.play(TEXTS[i % 2], 1, None)) for i in range(count)]
    at_times(qtbot, t0, sorted(script + extra, key=lambda item: item[0]))


def heard_after(recording, player: CuePlayer, t0: float, since: float, count: int) -> list[float]:
    """Match of each cue due at or after ``t0 + since`` with the recording."""
    out = []
    for i in range(count):
        due = t0 + i * EVERY
        if due < t0 + since:
            continue
        clip = np.asarray(player._clips[TEXTS[i % 2]], dtype=np.float64)
        out.append(recording.locate(clip, due - 0.05, due + EVERY - 0.05)[1])  # its own slot
    return out


@pytest.fixture
def player(qtbot: QtBot, audio_sink: str) -> Iterator[CuePlayer]:
    render([*TEXTS, SOUND_BACK])
    p = CuePlayer()
    p.prepare([*TEXTS, SOUND_BACK])
    yield p
    p.stop()
    p.deleteLater()
    PrivateServer.start()  # leave the sink as the next test expects it


# What goes wrong 2 s into play, how many cues are played, and from when (seconds after the
# first cue) they must be heard again. The crash is the dangerous case (mixer.py): Qt drops
# its PulseAudio context when the server dies, opening a stream before it has reconnected
# aborts the whole process, and Qt retries only every 3 s, so sound returns later.
FAULTS = {
    "sink-removed": (in_background(lambda: pactl("unload-module", sink_module())), 16, 6.5),
    "server-crashed": (PrivateServer.crash, 22, 8.3),
}


@pytest.mark.parametrize("fault", list(FAULTS))
def test_sound_going_away_mid_play_keeps_time_and_comes_back(
    fault: str,
    qtbot: QtBot,
    recorder: Recorder,
    player: CuePlayer,
) -> None:
    breaks, count, heard_again_from = FAULTS[fault]
    started: list[tuple[str, float]] = []
    back: list[tuple[str, float]] = []
    statuses: list[str] = []
    player.status_changed.connect(statuses.append)

    def on_started(text: str) -> None:
        (back if text == SOUND_BACK else started).append((text, time.monotonic()))

    player.cue_started.connect(on_started)
    later: list[Recorder] = []
    t0 = time.monotonic() + 0.2
    play_every(
        qtbot,
        player,
        t0,
        count,
        [
            (2.0, breaks),
            (4.3, in_background(lambda: (PrivateServer.start(), later.append(Recorder())))),
            (count * EVERY + 0.5, lambda: None),
        ],
    )
    before = recorder.stop()
    after = later[0]
    after.wait_started()
    recording = after.stop()

    # Play went on as if nothing happened: every cue started, in order, and none was held up
    # past the next one's time (a call blocked on the broken server would take seconds).
    # How late each was is the machine's business: bench/bench_speech.py measures that.
    assert [text for text, _ in started] == [TEXTS[i % 2] for i in range(count)]
    for i, (_, at) in enumerate(started):
        assert t0 + i * EVERY - 0.01 <= at < t0 + (i + 1) * EVERY, f"cue {i} at {at - t0:.3f} s"
    assert all(m >= 0.7 for m in heard_after(before, player, t0, 0.0, 3))  # heard before
    # ...and once the sink or server is back (in a recording of it), so is the sound.
    assert min(heard_after(recording, player, t0, heard_again_from, count)) >= 0.7
    assert player.state is PlayerState.READY
    # The player was told: a banner while the sound was gone, cleared and said when back.
    # Qt may say the outputs are gone before the stream is found stalled: either banner.
    assert {SOUND_LOST_REASON, NO_OUTPUT_REASON} & set(statuses), statuses
    assert statuses[-1] == "" and not player.sound_down, statuses
    assert len(back) == 1, "'Sound is back.' is said once"


def test_without_espeak_ng_cues_become_chimes_and_one_line_names_the_package(
    qtbot: QtBot, recorder: Recorder, audio_sink: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(LIBRARY_ENV, "/nonexistent/libespeak-ng.so.1")
    detect_engine.cache_clear()
    try:
        player = CuePlayer()
    finally:
        detect_engine.cache_clear()
    failed: list[tuple[str, str]] = []
    started: list[str] = []
    player.cue_failed.connect(lambda text, reason: failed.append((text, reason)))
    player.cue_started.connect(started.append)

    assert player.state is PlayerState.CHIMES_ONLY
    assert player.available and not player.speech_available
    assert "apt-get install espeak-ng" in player.reason

    t0 = time.monotonic() + 0.2
    at_times(
        qtbot,
        t0,
        [
            (0.0, lambda: player.play("Rest.", 1, None)),
            (1.0, lambda: player.play("Rest.", 1, None)),
            (2.0, lambda: player.play("Switch sides.", 1, "switch")),
            (3.0, lambda: None),
        ],
    )
    recording = recorder.stop()
    player.deleteLater()

    assert started == ["Rest.", "Rest.", "Switch sides."]  # the text is still shown
    assert [text for text, _ in failed] == ["Rest.", "Switch sides."]  # once per text
    assert all("espeak-ng" in reason for _, reason in failed)
    fallback = chime_clip(FALLBACK)
    for due in (t0, t0 + 1.0):  # each looked for in its own second
        assert recording.locate(fallback, due - 0.05, due + 0.9)[1] >= 0.8
    _, switch_match = recording.locate(chime_clip("switch"), t0 + 1.95, t0 + 2.9)
    assert switch_match >= 0.8  # a cue's own chime, not the stand-in
    assert recording.locate(fallback, t0 + 1.95, t0 + 2.9)[1] < 0.5


NO_SINK_SCRIPT = """
import json, sys
from PySide6.QtCore import QCoreApplication
from routineplayer.speech.player import CuePlayer
app = QCoreApplication(sys.argv)
player = CuePlayer()
shown = []
player.cue_started.connect(shown.append)
player.play("Rest.", 1, "rest")
player.play_chime("tick")
print(json.dumps({"state": str(player.state), "reason": player.reason,
                  "available": player.available, "shown": shown}))
"""


def test_no_sound_server_means_visual_only_with_a_reason_and_no_crash(tmp_path) -> None:
    # Qt's PulseAudio connection is per process and made once: a process of its own.
    env = dict(os.environ, PULSE_SERVER=f"unix:{tmp_path}/nobody-listens-here")
    env.pop("PULSE_RUNTIME_PATH", None)
    result = subprocess.run(
        [sys.executable, "-c", NO_SINK_SCRIPT],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["state"] == PlayerState.VISUAL_ONLY.value
    assert report["available"] is False
    assert report["reason"] == NO_OUTPUT_REASON
    assert report["shown"] == ["Rest."]
