"""Render the screenshots of the real main window; scripts/screenshots.sh runs this under Xvfb.

One picture of every page and state a person meets in the main window: the library (first
run and with routines of one's own), the keys overlay, the safety notice, the voice
settings, what to get ready and the pain question before a routine, every page of the
player (get ready, a timed step, a counted set, a set that waits for "done", paused, a rest,
the belly check, rest and reset, breathing, audio-only), the stop question, the summary and
the pain question after. The player's timed step and the belly check (and the check once
the resets are used up, whose text is long) are also rendered at 800 × 600 and 1920 × 1080.

The routines play on a clock this script moves, so each picture shows a chosen moment
(mid-inhale, a minute into the reset, ...) without waiting for it. Dialogs come through the
window's ``ask`` seam: each one pictured is shown over the window, drawn onto the window's
own picture where it stands, and then answered as the script says. Any picture that cannot
be made (a state never reached, a dialog never asked, a file not written) ends the script
with a non-zero status.

    python scripts/render_screenshots.py OUT_DIR

The per-user folder must be a throw-away one (screenshots.sh gives each renderer its own):
routines of one's own, a journal and settings are written there.
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import SimpleNamespace

from PySide6.QtCore import QPoint, QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPixmap
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QWidget

from routineplayer.core.session import State
from routineplayer.core.timeline import Timeline
from routineplayer.gui.app import create_application
from routineplayer.gui.main_window import MainWindow
from routineplayer.runtime.session_driver import SessionDriver

SIZE = (1100, 760)
# Besides the main size: a small laptop or netbook, and a full-HD screen.
OTHER_SIZES = ((800, 600), (1920, 1080))

Size = tuple[int, int]


class PictureError(RuntimeError):
    """A picture could not be made: the script ends with a non-zero status."""


# -- shared with the other renderers (they import these) ---------------------------------------


def settle() -> None:
    """Let layouts, resizes and repaints happen."""
    for _ in range(5):
        QApplication.processEvents()
        QTest.qWait(20)


def save_picture(picture: QPixmap, path: Path, size: Size | None = None) -> None:
    """Write ``picture`` to ``path``; PictureError if it is empty, of another size than
    ``size`` (a window the screen was too small for) or could not be written."""
    if picture.isNull():
        raise PictureError(f"{path.name}: nothing was drawn")
    got = (picture.width(), picture.height())
    if size is not None and got != size:
        raise PictureError(f"{path.name}: {got[0]}x{got[1]} instead of {size[0]}x{size[1]}")
    if not picture.save(str(path)):
        raise PictureError(f"could not write {path}")
    print(f"wrote {path}")


def over_window(window: QWidget, dialog: QWidget) -> QPixmap:
    """The window's picture with ``dialog`` (a top-level window, shown) drawn where it
    stands over it. Xvfb runs no window manager, so there is no title bar: a thin line
    stands in for the frame's edge, so the dialog does not melt into the window."""
    picture = window.grab()
    painter = QPainter(picture)
    offset = dialog.mapToGlobal(QPoint(0, 0)) - window.mapToGlobal(QPoint(0, 0))
    painter.drawPixmap(offset, dialog.grab())
    painter.setPen(QColor(0, 0, 0, 110))
    painter.drawRect(QRect(offset, dialog.size()).adjusted(-1, -1, 0, 0))
    painter.end()
    return picture


def show_dialog(dialog: QWidget) -> None:
    dialog.show()
    if not QTest.qWaitForWindowExposed(dialog):
        raise PictureError(f"{type(dialog).__name__} was never shown")
    dialog.raise_()
    settle()


# -- the main window ---------------------------------------------------------------------------


class DemoClock:
    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t


Answer = Callable[[QDialog], bool]


def accept(dialog: QDialog) -> bool:
    dialog.hide()
    return True


def decline(dialog: QDialog) -> bool:
    dialog.hide()
    return False


class Director:
    def __init__(self, out: Path) -> None:
        self.out = out
        self.clock = DemoClock()
        self.size: Size = SIZE
        # Dialogs the script waits for, in order: (kind, picture name or "", answer).
        self.expected: list[tuple[type[QDialog], str, Answer]] = []
        self.window = MainWindow(make_driver=self._driver, ask=self._ask, speech=False)
        self.window.resize(*SIZE)
        self.window.show()
        if not QTest.qWaitForWindowExposed(self.window):
            raise PictureError("the main window was never shown")

    def _driver(self, timeline: Timeline) -> SessionDriver:
        return SessionDriver.for_timeline(timeline, clock=self.clock)

    # -- pictures ---------------------------------------------------------------------------

    def shot(self, name: str) -> None:
        settle()
        save_picture(self.window.grab(), self.out / f"{name}.png", self.size)

    def shot_dialog(self, name: str, dialog: QWidget) -> None:
        show_dialog(dialog)
        save_picture(over_window(self.window, dialog), self.out / f"{name}.png", self.size)

    def resize(self, size: Size) -> None:
        self.window.resize(*size)
        settle()
        got = (self.window.width(), self.window.height())
        if got != size:
            raise PictureError(f"the window is {got[0]}x{got[1]}, not {size[0]}x{size[1]}")
        self.size = size

    def shot_sizes(self, name: str) -> None:
        """``name``-800x600 and ``name``-1920x1080: the same moment in the other sizes."""
        for size in OTHER_SIZES:
            self.resize(size)
            self.shot(f"{name}-{size[0]}x{size[1]}")
        self.resize(SIZE)

    # -- dialogs ----------------------------------------------------------------------------

    def expect(self, kind: type[QDialog], name: str = "", answer: Answer = accept) -> None:
        """The next dialog of ``kind`` is pictured as ``name`` ("": not pictured) and
        answered by ``answer``; dialogs not expected are accepted (a pain question skipped)."""
        self.expected.append((kind, name, answer))

    def _ask(self, dialog: QDialog) -> bool:
        if self.expected and isinstance(dialog, self.expected[0][0]):
            _kind, name, answer = self.expected.pop(0)
            if name:
                self.shot_dialog(name, dialog)
            return answer(dialog)
        return accept(dialog)

    def all_asked(self) -> None:
        settle()
        if self.expected:
            missing = ", ".join(f"{k.__name__} ({n or 'answered'})" for k, n, _ in self.expected)
            raise PictureError(f"never asked: {missing}")

    # -- the library and the player ---------------------------------------------------------

    def select(self, title: str) -> None:
        view = self.window.library_view
        rows = [view.list.item(i).text() for i in range(view.count())]
        if title not in rows:
            raise PictureError(f"no routine called {title!r} in the library: {rows}")
        view.list.setCurrentRow(rows.index(title))

    def start(self, title: str) -> None:
        self.select(title)
        QTest.keyClick(self.window.library_view.list, Qt.Key.Key_Return)

    def key(self, key: Qt.Key | str) -> None:
        QTest.keyClick(self.window.stack.currentWidget(), key)

    @property
    def state(self) -> State | None:
        controller = self.window.controller
        return controller.session.state if controller is not None else None

    def until(self, done: Callable[[], bool], what: str) -> None:
        """Skip steps (→) until ``done``."""
        for _ in range(40):
            if done():
                return
            self.key(Qt.Key.Key_Right)
        raise PictureError(f"the routine never got to {what}")

    def play_until(self, done: Callable[[], bool], what: str, check: Qt.Key = Qt.Key.Key_N) -> None:
        """Play as a person does until ``done``: each set played out (a skipped set is not
        checked), rests and resets taken, "done" pressed, checks answered with ``check``,
        get-ready and rests between sets skipped."""
        for _ in range(200):
            settle()
            if done():
                return
            controller = self.window.controller
            if controller is None:
                break
            state = controller.session.state
            if state in (State.WORKING, State.RESETTING):  # a reset skipped is no rest
                self.advance(controller.session.remaining() or 0.5)
            elif state is State.WAITING_DONE:
                self.key(Qt.Key.Key_Return)
            elif state is State.CHECKING:
                self.key(check)
            elif state is State.FINISHED:
                QTest.qWait(20)
            else:
                self.key(Qt.Key.Key_Right)
        raise PictureError(f"the routine never got to {what}")

    def advance(self, seconds: float) -> None:
        controller = self.window.controller
        if controller is None:
            raise PictureError("no routine is playing")
        while seconds > 1e-9:
            step = min(seconds, 0.5)
            self.clock.t += step
            seconds -= step
            controller.driver.tick()

    def stop(self) -> None:
        if self.window.controller is not None:
            self.window.controller.stop()
        settle()
        if self.window.controller is not None:
            raise PictureError("the routine did not stop")


def press(*keys: str, then: Callable[[QDialog], None] | None = None) -> Answer:
    """An answer: type ``keys`` into the dialog (the pain question's keys), ``then`` ..."""

    def answer(dialog: QDialog) -> bool:
        target = getattr(dialog, "prompt", dialog)
        for key in keys:
            QTest.keyClick(target, key)
        if then is not None:
            then(dialog)
        ok = dialog.result() == QDialog.DialogCode.Accepted
        dialog.hide()
        return ok

    return answer


# -- routines of one's own, as the app makes them ----------------------------------------------


def make_my_routine() -> None:
    """A routine of the user's own (the warm-up, adapted), so the library shows My routines."""
    from dataclasses import replace

    from routineplayer.core.library import Library
    from routineplayer.core.model import Check
    from routineplayer.core.routine_files import user_path_for
    from routineplayer.core.saver import save_routine

    warm_up = Library().resolve("warm-up")
    steps = list(warm_up.steps)
    steps[1] = replace(steps[1], duration=120.0)
    steps[-1] = replace(steps[-1], title="Wall squats", check=Check())
    mine = replace(
        warm_up,
        title="My morning routine",
        summary="The warm-up as my physio adapted it: longer arm circles, wall squats "
        "with the belly check.",
        steps=tuple(steps),
        source="",
    )
    save_routine(mine, user_path_for(mine.title))


# Pain ratings from a movement assessment: five movements of 3 or less make the routine.
RATINGS = {
    "hip-mobility": 2,
    "cat-camel": 1,
    "in-line-lunge-halo": 6,
    "beast-walk": 5,
    "lateral-beast-walk": 7,
    "hip-bridge": 0,
    "single-leg-hip-bridge": 4,
    "side-plank-clam-shell": 3,
    "bird-dog": 1,
    "kettlebell-walk": 6,
}


def make_rehab_routine() -> str:
    """ "My rehab routine" as the assessment builds it: rep sets that wait for "done"."""
    from routineplayer.core.assessment import build_rehab_plan, rehab_routine
    from routineplayer.core.routine_files import user_path_for
    from routineplayer.core.saver import save_routine

    routine = rehab_routine(build_rehab_plan(RATINGS))
    save_routine(routine, user_path_for(routine.title))
    return routine.title


class DemoVoice:
    """What the voice settings dialog reads of a Voice: the window runs without speech here
    (no sound server under Xvfb), so the list is espeak-ng's usual English voices and more."""

    status = ""
    voices_ready = None  # known_voices() answers at once: never connected

    def __init__(self) -> None:
        from routineplayer.speech.cache import VoiceSettings

        self.player = SimpleNamespace(settings=VoiceSettings("gmw/en-GB-x-rp", 150, 0.8))

    def known_voices(self) -> list[tuple[str, str]]:
        return [
            ("gmw/af", "Afrikaans"),
            ("gmw/en-US", "English (America)"),
            ("gmw/en", "English (Great Britain)"),
            ("gmw/en-GB-x-gbclan", "English (Lancaster)"),
            ("gmw/en-GB-x-rp", "English (Received Pronunciation)"),
            ("gmw/en-GB-scotland", "English (Scotland)"),
            ("roa/fr", "French (France)"),
            ("gmw/de", "German"),
        ]


# -- the pictures ------------------------------------------------------------------------------


def library_pictures(d: Director) -> None:
    from routineplayer.gui.journal.safety_dialog import SafetyDialog
    from routineplayer.gui.voice_settings_dialog import VoiceSettingsDialog

    win = d.window
    d.shot("library-first-run")  # no routines of one's own yet
    d.expect(SafetyDialog, "safety-notice")  # as at first launch, and from Help
    win.show_safety_notice()
    d.all_asked()

    make_my_routine()
    make_rehab_routine()
    win.reload_library()
    d.select("My morning routine")
    d.shot("library")

    QTest.keyClick(win.library_view.list, Qt.Key.Key_F1)
    if not win.help.isVisible():
        raise PictureError("F1 did not open the keys over the library")
    d.shot("help")
    QTest.keyClick(win.help, Qt.Key.Key_Escape)

    # The window plays without speech (see DemoVoice): the dialog is opened directly.
    d.shot_dialog("voice-settings", VoiceSettingsDialog(DemoVoice(), parent=win))  # type: ignore[arg-type]


def warm_up_pictures(d: Director) -> None:
    from routineplayer.gui.dialogs import PrestartDialog, StopDialog
    from routineplayer.gui.journal.pain_prompt import PainDialog

    win = d.window
    view = win.player_view
    d.expect(PrestartDialog, "prestart")

    def where(dialog: QDialog) -> None:  # a rating above 0 asks where the pain is
        d.shot_dialog("pain-before-where", dialog)
        QTest.keyClick(dialog.prompt, "l")  # type: ignore[attr-defined]

    d.expect(PainDialog, "pain-before", press("4", then=where))
    d.start("Warm-up")
    d.all_asked()
    if d.state is not State.LEAD_IN:
        raise PictureError(f"the warm-up did not start with its opening, but {d.state}")
    d.advance(3.0)
    d.shot("get-ready-opening")  # the routine's title and summary, before the first step
    d.key(Qt.Key.Key_Right)
    if d.state is not State.LEAD_IN or view.title.text() != "Light cardio":
        raise PictureError(f"no get-ready before the first step, but {d.state}")
    d.advance(5.0)
    d.shot("get-ready")

    d.until(lambda: view.title.text() == "Leg swings" and d.state is State.WORKING, "Leg swings")
    d.advance(38.0)
    d.shot("player")
    d.shot_sizes("player")

    d.key(Qt.Key.Key_Space)
    if d.state is not State.PAUSED:
        raise PictureError("Space did not pause")
    d.shot("paused")
    d.key(Qt.Key.Key_Space)

    d.key(Qt.Key.Key_A)
    if not win.audio_only:
        raise PictureError("A did not switch to audio-only")
    d.shot("audio-only")
    d.key(Qt.Key.Key_X)  # any key: pause
    if d.state is not State.PAUSED:
        raise PictureError("a key in audio-only did not pause")
    d.shot("audio-only-paused")
    d.key(Qt.Key.Key_X)  # and carry on
    d.key(Qt.Key.Key_Escape)  # leaves audio-only
    if win.audio_only:
        raise PictureError("Esc did not leave audio-only")
    d.resize(SIZE)

    d.expect(StopDialog, "stop-confirm", decline)  # carry on
    d.key(Qt.Key.Key_Escape)
    d.all_asked()
    d.stop()


def slides_pictures(d: Director) -> None:
    from routineplayer.gui.dialogs import SummaryDialog
    from routineplayer.gui.journal.pain_prompt import PainDialog

    win = d.window
    view = win.player_view
    d.start("Upper-back slides")
    d.until(lambda: d.state is State.WORKING, "the first set")
    d.advance(11.0)  # 5 s a rep: the third
    if view.rep.text() != "Rep 3 of 6" or not view.rep.isVisible():
        raise PictureError(f"the set shows {view.rep.text()!r}, not 'Rep 3 of 6'")
    d.shot("rep-step")

    d.play_until(lambda: d.state is State.CHECKING, "the belly check")
    d.shot("check-prompt")
    d.shot_sizes("check-prompt")

    d.key(Qt.Key.Key_Y)
    if d.state is not State.RESETTING:
        raise PictureError("Y did not start the rest and reset")
    d.advance(47.0)
    d.shot("rest-and-reset")

    # A yes twice more on the same set: it has had its resets, and moves on to the next step.
    for which in ("second", "third"):
        d.play_until(lambda: d.state is State.CHECKING, f"the {which} check")
        d.key(Qt.Key.Key_Y)
    if win.controller is None or not win.controller.session.resets_exhausted:
        raise PictureError("a third yes on one set did not end the exercise")
    d.shot("check-resets-used-up")
    d.shot_sizes("check-resets-used-up")  # its long words, in large type
    d.key(Qt.Key.Key_Return)  # on to the next exercise

    d.play_until(lambda: d.state is State.RESTING, "a rest between sets")
    d.advance(4.0)
    d.shot("rest")

    def note(dialog: QDialog) -> None:  # after a rating, the note
        d.shot_dialog("pain-after-note", dialog)
        QTest.keyClicks(dialog.prompt.note, "Shoulders looser")  # type: ignore[attr-defined]
        QTest.keyClick(dialog.prompt.note, Qt.Key.Key_Return)  # type: ignore[attr-defined]

    d.expect(SummaryDialog, "summary")
    d.expect(PainDialog, "pain-after", press("2", then=note))
    d.play_until(lambda: win.controller is None, "the end")
    d.all_asked()


def other_pictures(d: Director, rehab: str) -> None:
    from routineplayer.gui.journal.pain_prompt import PainDialog
    from routineplayer.gui.journal.safety_dialog import SafetyDialog

    win = d.window
    d.start(rehab)
    d.until(lambda: d.state is State.WAITING_DONE, "a set that waits for done")
    d.shot("wait-done")
    d.stop()

    d.start("Jellyfish breathing relaxation")
    d.until(lambda: d.state is State.WORKING, "the breathing")
    d.advance(2.4)  # most of the way through the first breath in
    d.shot("breathing")
    d.key(Qt.Key.Key_F1)
    if not win.help.isVisible():
        raise PictureError("F1 did not open the keys over the player")
    d.shot("help-player")
    d.key(Qt.Key.Key_Escape)
    d.stop()

    # Pain of 8 or more before a routine: the safety notice asks whether to start.
    d.expect(PainDialog, "", press("8", "l"))
    d.expect(SafetyDialog, "safety-high-pain", decline)  # don't start
    d.start("Cool-down")
    d.all_asked()
    if win.controller is not None:
        raise PictureError("the routine started after 'Don't start'")


def main(out: Path) -> int:
    out.mkdir(parents=True, exist_ok=True)
    create_application()
    try:
        d = Director(out)
        library_pictures(d)
        warm_up_pictures(d)
        slides_pictures(d)
        other_pictures(d, "My rehab routine")
        d.window.close()
    except Exception:  # any failure means a missing picture: say which, and fail
        traceback.print_exc()
        print("render_screenshots: not every picture was made", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1] if len(sys.argv) > 1 else "docs/screenshots")))
