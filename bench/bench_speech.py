"""Spoken cues: how late they are heard, against pyttsx3's say() at the cue time; render costs.

1. Onset lateness (ours). A 38-cue routine (three two-sided steps: announcements, "Begin",
   "Switch sides", countdowns, start/switch chimes) is played through the real
   runtime/session_driver.SessionDriver on time.monotonic into CuePlayer, whose sound goes to a
   PulseAudio null sink on a server private to this run, recorded with parec from its
   monitor. Lateness of a cue = when its sound appears in the recording - the time the
   session scheduled it (Event.at), so scheduler, player, Qt, PulseAudio and the sink's
   latency are all included.

   How the recording's clock is tied to the scheduler's (tests/audio/recording.py): parec
   is asked for 5 ms reads and a thread stamps each chunk with time.monotonic() on arrival;
   chunk k ending at sample n_k arriving at t_k bounds the capture time of sample 0 by
   t_k - n_k/rate; the lowest bound within a second of each stretch maps its samples to
   time (the sink's sample clock runs ~300 ppm off the monotonic one, and parec's first
   buffers can arrive as a backlog). Any delay left (the
   source's latency plus our read) makes sounds look later, never earlier, so the lateness
   printed is, if anything, a few ms pessimistic. No reference click is needed;
   the monotonic clock is the scheduler's own. Each cue's onset is found by cross-correlating
   the recording with the cue's own rendered clip, so a chime on top does not move it.

2. The naive way, in the same run: pyttsx3 say() + runAndWait() called at each cue's time,
   the same 38 cues on the same schedule, in a child process (its sound goes through aplay
   to the same private server). Lateness = the onset of each utterance in the recording
   (found with a clip rendered at pyttsx3's own settings) - its time; block = how long each
   say()+runAndWait() held the calling thread (median printed: the first call returns at
   once, later ones wait for the utterance before). Our play() call is timed too.

3. Rendering: every built-in routine's cue texts into an empty cache (cold: includes
   starting the worker process), then again with a new renderer on the filled cache (warm:
   no process at all). The worst routine is printed for each.

4. Render failures: every built-in routine's cue texts (and the pain questions), rendered
   cold round after round, each round into a fresh cache with a new renderer (a new worker,
   as each app session starts one) at another rate, until at least 2,000 renders; a text
   counts as failed if it is still not rendered after the renderer's retries (it would be
   a chime in the session). Failures per 1000 renders are printed; the retries that
   rescued a text are logged.

Short mode (ROUTINEPLAYER_BENCH_SHORT=1, bench/run_all.py --short): one one-sided step of
3 s (9 cues, none due while an earlier one is still being said) for 1 and 2, only the
first built-in routine for 3, and 50 renders for 4.

Figures go to stdout as `name value unit (target ...)`; details go to stderr.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests" / "audio"))

from recording import PrivateServer, Recorder, Recording  # noqa: E402

from bench_drift import WORK_EVERY_MS, WORK_MS, app_as_the_app_runs, busy_work  # noqa: E402

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

FIGURES = (
    "cue_onset_p50_ms",
    "cue_onset_p95_ms",
    "cue_onset_max_ms",
    "command_cue_onset_ms_max",
    "cue_play_call_ms_p95",
    "cue_cut_ms_max",
    "naive_say_lateness_p95_ms",
    "naive_say_missing",
    "naive_say_block_ms",
    "render_cold_s_max",
    "render_warm_ms_max",
    "render_failed_per_1000",
)
SHORT = os.environ.get("ROUTINEPLAYER_BENCH_SHORT") == "1"
STEPS = ("Knee rolls",) if SHORT else ("Knee rolls", "Heel slides", "Arm sweeps")
STEP_SECONDS = 3.0 if SHORT else 6.0
COLD_RENDERS = 50 if SHORT else 2000
COLD_RATES = (165, 120, 200, 145, 185, 100, 240)  # words a minute, one per round in turn
SIDES = () if SHORT else ("left", "right")


def log(*parts: object) -> None:
    print(*parts, file=sys.stderr, flush=True)


def figure(name: str, value: float, unit: str, target: str) -> None:
    print(f"{name} {value:.1f} {unit} (target {target})", flush=True)


def percentile(values: list[float], q: float) -> float:
    import numpy as np

    return float(np.percentile(np.asarray(values), q))


# -- 1. our onsets ----------------------------------------------------------------------------


def bench_timeline():  # -> Timeline
    from routineplayer.core.model import Routine, Step, StepKind
    from routineplayer.core.timeline import expand

    steps = tuple(
        Step(StepKind.TIMED, title=title, duration=STEP_SECONDS, sides=SIDES) for title in STEPS
    )
    return expand(Routine(title="Cue timing", steps=steps, lead_in=4.0), lambda name: None)


def our_onsets(monitor: str) -> tuple[list[float], list[float], list[float]]:
    """Lateness of every spoken cue due at a planned time (s), of those a command caused
    (here the opening words, said as start is pressed: no plan can be ahead of a key press,
    so they are heard after the output's delay), and how long each play() call took (s)."""
    import numpy as np

    from routineplayer.core.session import Event, EventKind, State
    from routineplayer.runtime.session_driver import SessionDriver
    from routineplayer.speech.player import CuePlayer
    from routineplayer.speech.renderer import Renderer

    app = app_as_the_app_runs()
    timeline = bench_timeline()
    texts = timeline.cue_texts()
    renderer = Renderer()
    report = renderer.render(texts)
    renderer.close()
    if report.failed or report.unavailable:
        raise SystemExit(f"bench_speech: rendering failed: {report.unavailable or report.failed}")
    player = CuePlayer()
    player.prepare(texts)
    if not player.speech_available:
        raise SystemExit(f"bench_speech: no speech: {player.reason}")

    calls: list[float] = []
    play = player.play

    def timed_play(
        text: str, priority: int, chime: str | None, after_s: float | None = None
    ) -> None:
        t = time.perf_counter()
        play(text, priority, chime, after_s)
        calls.append(time.perf_counter() - t)

    player.play = timed_play  # type: ignore[method-assign]
    cues: list[Event] = []
    # On time.monotonic, the clock the recording is stamped with (not the default BOOTTIME).
    driver = SessionDriver.for_timeline(timeline, sink=player, clock=time.monotonic)
    driver.event_emitted.connect(
        lambda e: cues.append(e) if e.kind is EventKind.CUE and e.cue and e.cue.text else None
    )
    finished = []
    driver.state_changed.connect(lambda s: finished.append(s) if s is State.FINISHED else None)
    recorder = Recorder(monitor)
    recorder.wait_started()
    load = gui_load()  # bench_drift's synthetic window work, on this (the GUI) thread
    commanded = {id(e) for e in driver.start()}
    deadline = time.monotonic() + timeline.total + 30
    while not finished and time.monotonic() < deadline:
        app.processEvents()
        time.sleep(0.001)
    end = time.monotonic() + 4.0  # the closing words
    while time.monotonic() < end:
        app.processEvents()
        time.sleep(0.001)
    load.stop()
    recording = recorder.stop()
    player.stop()

    late: list[float] = []
    on_command: list[float] = []
    for event in cues:
        assert event.cue is not None
        clip = np.asarray(player._clips[event.cue.text], dtype=np.float64)
        onset, match = recording.locate(clip, event.at - 0.05, event.at + 1.5)
        if match < FOUND:
            log(f"  not found: {event.cue.text!r} (match {match:.2f})")
            continue
        (on_command if id(event) in commanded else late).append(onset - event.at)
        log(f"  {event.at - cues[0].at:6.2f} s  {1000 * (onset - event.at):6.1f} ms  "
            f"{event.cue.text!r}")  # fmt: skip
    log(f"ours: {len(late) + len(on_command)} of {len(cues)} cues found")
    return late, on_command, calls


def gui_load():  # -> QTimer
    """30 ms of busy work every 250 ms on the GUI thread, as in bench_drift."""
    from PySide6.QtCore import Qt, QTimer

    work = QTimer()
    work.setTimerType(Qt.TimerType.PreciseTimer)
    work.timeout.connect(busy_work)
    work.start(WORK_EVERY_MS)
    return work


LONG_CUE = (
    "Kneel on all fours with a paper plate under each hand. Breathe out, scoop up from your "
    "lower belly, and slide one plate forward along the floor as far as is comfortable, "
    "keeping your back long and level. Pause there for a moment, then breathe in and draw "
    "the plate back under your shoulder without letting your lower back sag or your hips tip."
)
LONG_PLAYS = 2 if SHORT else 20
LOUD = 300  # a null sink is digital silence; speech peaks far above this
HEAD_S = 3.0  # how much of the long cue's start finds it


def long_cue_cuts(monitor: str) -> list[float]:
    """The speech lost at the end of an ~18 s cue (s), for each of LONG_PLAYS plays, each
    asked for ahead as the driver does, under the GUI load: the clip's last sound against
    the last sound recorded after its onset."""
    import numpy as np

    from routineplayer.speech.cache import VoiceSettings
    from routineplayer.speech.mixer import RATE
    from routineplayer.speech.player import CuePlayer
    from routineplayer.speech.renderer import Renderer

    app = app_as_the_app_runs()
    renderer = Renderer(VoiceSettings(rate=150))
    report = renderer.render([LONG_CUE])
    renderer.close()
    if report.failed or report.unavailable:
        raise SystemExit(f"bench_speech: rendering failed: {report.unavailable or report.failed}")
    player = CuePlayer(VoiceSettings(rate=150))
    player.prepare([LONG_CUE])
    clip = np.asarray(player._clips[LONG_CUE], dtype=np.float64)
    seconds = len(clip) / RATE
    last_sound = float(np.flatnonzero(np.abs(clip) > LOUD)[-1]) / RATE
    recorder = Recorder(monitor)
    recorder.wait_started()
    load = gui_load()
    starts: list[float] = []

    def pump(until: float) -> None:
        while time.monotonic() < until:
            app.processEvents()
            time.sleep(0.001)

    for _ in range(LONG_PLAYS):
        at = time.monotonic() + 0.5
        player.play(LONG_CUE, 1, None, after_s=at - time.monotonic())
        starts.append(at)
        pump(at + seconds + 0.6)
    load.stop()
    recording = recorder.stop()
    player.stop()
    cuts = []
    head = clip[: int(HEAD_S * RATE)]
    for at in starts:
        # Found by its start: a whole-clip match also scores a shift of a few ms mid-way
        # (seen at 0.56-0.87 in 1-3 plays of 20, with this code and before it), which is not
        # what this measures.
        onset, match = recording.locate(head, at - 0.05, at + 0.3)
        if match < FOUND:
            raise SystemExit(f"bench_speech: the long cue was not heard at {at:.2f}")
        heard_last = recording.last_sound_between(onset, onset + seconds + 0.5, LOUD)
        assert heard_last is not None
        # Counted in samples: the sink's clock runs ~300 ppm off the monotonic one, 6 ms
        # over a 20 s cue, which a difference of times would report as a cut.
        heard = recording.index_of(heard_last) - recording.index_of(onset)
        cuts.append(max(0.0, last_sound - heard / recording.rate))
    log(f"long cue: {seconds:.2f} s, {LONG_PLAYS} plays, speech lost at the end (ms): "
        f"{[round(1000 * c, 1) for c in cuts]}")  # fmt: skip
    return cuts


# -- 2. the naive way -------------------------------------------------------------------------

NAIVE_CHILD = """
import json, sys, time
import pyttsx3
schedule, start = json.loads(sys.argv[1]), float(sys.argv[2])
engine = pyttsx3.init()
engine.setProperty("rate", 200)  # its own default, made explicit: the reference clips use it
out = []
for offset, text in schedule:
    due = start + offset
    while time.monotonic() < due:
        time.sleep(0.0005)
    began = time.monotonic()
    engine.say(text)
    engine.runAndWait()
    out.append({"due": due, "began": began, "ended": time.monotonic()})
time.sleep(6.0)  # the last utterances are still playing in espeak's thread
print(json.dumps(out), file=sys.__stdout__, flush=True)
"""


FOUND = 0.6  # normalised match above which a clip counts as heard there
# pyttsx3 re-synthesises every say(), and espeak-ng varies a little between runs (tens of
# ms within a long sentence), so its utterances match their reference clips less closely.
NAIVE_FOUND = 0.4
NAIVE_WINDOW_S = 15.0  # a naive cue not heard within this of its time counts as missing


def naive_onsets(monitor: str) -> tuple[list[float], list[float], int]:
    """Lateness (s) of each naive say() as heard, and how long each call blocked (s).

    The same cues at the same times as ours. pyttsx3's say() speaks with the engine's own
    settings (rate 200, the default voice), so the reference clips to find each utterance
    in the recording are rendered with exactly those.
    """
    import numpy as np

    from routineplayer.speech.cache import VoiceSettings
    from routineplayer.speech.renderer import Renderer
    from routineplayer.speech.track import track_cues
    from routineplayer.speech.wavtools import read_wav

    cues = [c for c in track_cues(bench_timeline()) if c.cue.text]
    schedule = [(c.at - cues[0].at, c.cue.text) for c in cues]
    renderer = Renderer(VoiceSettings(rate=200))
    renderer.render([text for _, text in schedule])
    renderer.close()
    clips = {
        text: np.asarray(read_wav(renderer.cache.lookup(text, renderer.settings)).samples,
                         dtype=np.float64)
        for _, text in schedule
    }  # fmt: skip

    recorder = Recorder(monitor)
    recorder.wait_started()
    start = time.monotonic() + 2.0  # after the child has imported pyttsx3
    child = subprocess.run(
        [sys.executable, "-c", NAIVE_CHILD, json.dumps(schedule), str(start)],
        capture_output=True, text=True, timeout=600, check=False,
    )  # fmt: skip
    recording: Recording = recorder.stop()
    if child.returncode != 0:
        raise SystemExit(f"bench_speech: naive child failed: {child.stderr[-2000:]}")
    calls = json.loads(child.stdout.strip().splitlines()[-1])
    blocks = [c["ended"] - c["began"] for c in calls]
    late: list[float] = []
    after = start - 0.1
    for (_, text), call in zip(schedule, calls, strict=True):
        # Utterances come out in order, each after the one before: search from there.
        earliest = max(call["due"] - 0.05, after)
        latest = call["due"] + NAIVE_WINDOW_S
        onset, match = recording.locate(clips[text], earliest, latest, first_above=NAIVE_FOUND)
        if match < NAIVE_FOUND:
            log(f"  naive not found: {text!r} (match {match:.2f})")
            continue
        late.append(onset - call["due"])
        after = onset + 0.05
        log(f"  naive {call['due'] - start:6.2f} s  {1000 * (onset - call['due']):7.1f} ms  "
            f"blocked {1000 * (call['ended'] - call['began']):6.1f} ms  {text!r}")  # fmt: skip
    log(f"naive: {len(late)} of {len(calls)} cues found")
    return late, blocks, len(calls) - len(late)


# -- 3. rendering -----------------------------------------------------------------------------


def render_costs() -> tuple[float, float]:
    """Worst cold render (s) and worst warm check (ms) over the built-in routines."""
    from routineplayer.core.library import Library
    from routineplayer.core.timeline import expand
    from routineplayer.speech.availability import detect_engine
    from routineplayer.speech.cache import SpeechCache
    from routineplayer.speech.renderer import Renderer

    library = Library()
    engine = detect_engine()
    cold_max = warm_max = 0.0
    for name in library.names()[:1] if SHORT else library.names():
        texts = expand(library.resolve(name), library.resolve).cue_texts()
        with tempfile.TemporaryDirectory() as tmp:
            cache = SpeechCache(engine.identity, Path(tmp))
            cold = Renderer(engine=engine, cache=cache)
            t = time.perf_counter()
            report = cold.render(texts)
            cold_s = time.perf_counter() - t
            cold.close()
            warm = Renderer(engine=engine, cache=cache)
            t = time.perf_counter()
            again = warm.render(texts)
            warm_ms = 1000 * (time.perf_counter() - t)
            warm.close()
        assert again.rendered == 0 and warm.worker_pid is None
        log(f"render {name}: {len(texts)} texts, cold {cold_s:.2f} s "
            f"({report.rendered} rendered), warm {warm_ms:.1f} ms")  # fmt: skip
        cold_max, warm_max = max(cold_max, cold_s), max(warm_max, warm_ms)
    return cold_max, warm_max


def _render_rounds(texts: list[str], engine) -> tuple[int, int, int, int]:  # SpeechEngine
    """Render ``texts`` cold, round after round at changing rates, to COLD_RENDERS renders."""
    from routineplayer.speech.cache import SpeechCache, VoiceSettings
    from routineplayer.speech.renderer import Renderer

    failed = renders = restarts = retries = 0
    for round_ in range((COLD_RENDERS + len(texts) - 1) // len(texts)):
        rate = COLD_RATES[round_ % len(COLD_RATES)]
        with tempfile.TemporaryDirectory() as tmp:
            cache = SpeechCache(engine.identity, Path(tmp))
            renderer = Renderer(VoiceSettings(rate=rate), engine, cache)
            report = renderer.render(texts)
            renderer.close()
        if report.unavailable:
            raise SystemExit(f"bench_speech: rendering failed: {report.unavailable}")
        renders += report.rendered + len(report.failed)
        failed += len(report.failed)
        restarts += report.restarts
        retries += report.engine_retries
        if report.failed:
            log(f"round {round_ + 1} at {rate} wpm: {report.explain()}")
    return failed, renders, restarts, retries


def render_failures() -> tuple[int, int]:
    """(texts failed after the retries, cold renders) over at least COLD_RENDERS renders."""
    from routineplayer.core.library import Library
    from routineplayer.core.rating_prompts import all_texts
    from routineplayer.core.timeline import expand
    from routineplayer.speech.availability import detect_engine

    library = Library()
    texts = list(all_texts())
    for name in library.names():
        texts.extend(expand(library.resolve(name), library.resolve).cue_texts())
    texts = list(dict.fromkeys(texts))[:COLD_RENDERS]
    engine = detect_engine()
    if not engine.available:
        raise SystemExit(f"bench_speech: no speech: {engine.reason}")
    started = time.perf_counter()
    # "On the loaded machine": a busy process per core competes with the worker throughout.
    hogs = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"])
        for _ in range(os.cpu_count() or 1)
    ]
    try:
        failed, renders, restarts, retries = _render_rounds(texts, engine)
    finally:
        for hog in hogs:
            hog.kill()
            hog.wait()
    log(f"cold renders: {renders} in {time.perf_counter() - started:.1f} s, {failed} failed; "
        f"{retries} engine faults and {restarts - retries} worker failures retried")  # fmt: skip
    return failed, renders


def main() -> int:
    server = PrivateServer()  # before anything touches QtMultimedia
    try:
        monitor = server.start()
        cold_s, warm_ms = render_costs()
        render_failed, cold_renders = render_failures()
        ours, on_command, calls = our_onsets(monitor)
        cuts = long_cue_cuts(monitor)
        naive, blocks, missing = naive_onsets(monitor)
    finally:
        from routineplayer.speech import mixer

        mixer._close_shared()
        server.stop()
    clock = "recording tied to time.monotonic by parec chunk arrival"
    load = f"under bench_drift's GUI load ({WORK_MS:.0f} ms every {WORK_EVERY_MS} ms)"
    figure("cue_onset_p50_ms", 1000 * percentile(ours, 50), "ms", f"none; {clock}")
    figure(
        "cue_onset_p95_ms", 1000 * percentile(ours, 95), "ms", f"<= 10; {len(ours)} cues, {load}"
    )
    figure("cue_onset_max_ms", 1000 * max(ours), "ms", "<= 100")
    figure("command_cue_onset_ms_max", 1000 * max(on_command), "ms",
           "none: said as a key is pressed, after the output's delay")  # fmt: skip
    figure("cue_play_call_ms_p95", 1000 * percentile(calls, 95), "ms", "<= 5; GUI thread")
    figure("cue_cut_ms_max", 1000 * max(cuts), "ms", f"0; {len(cuts)} plays of an 18 s cue")
    figure("naive_say_lateness_p95_ms", 1000 * percentile(naive, 95), "ms",
           f"baseline, same cues; ours {1000 * percentile(ours, 95):.0f}")  # fmt: skip
    figure(
        "naive_say_missing",
        missing,
        "cues",
        f"baseline: not heard within {NAIVE_WINDOW_S:.0f} s; ours 0",
    )
    figure("naive_say_block_ms", 1000 * percentile(blocks, 50), "ms",
           f"baseline, median; our play() {1000 * percentile(calls, 95):.2f}")  # fmt: skip
    figure("render_cold_s_max", cold_s, "s", "<= 3 per built-in routine, empty cache")
    figure("render_warm_ms_max", warm_ms, "ms", "<= 50, filled cache, no process started")
    figure("render_failed_per_1000", 1000 * render_failed / cold_renders, "per1000",
           f"0; {cold_renders} cold renders, a busy process per core")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
