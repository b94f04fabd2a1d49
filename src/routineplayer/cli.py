"""The command line: the window by default, and validate, list, plan, play and render.

Each subcommand is one small ``_add_<name>(subparsers)`` function that declares its
arguments and sets ``run`` to a ``(args) -> exit code`` function; to add a subcommand,
write one and list it in SUBCOMMANDS. Global options go in ``_add_global_options``.
Problems go to stderr, one line each; results go to stdout. Exit codes: 0 fine,
1 the window cannot start or an unexpected error (one line, the traceback in the log file),
2 problems found or bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from routineplayer import __version__
from routineplayer.core import paths
from routineplayer.core.control_chars import escape_controls
from routineplayer.core.library import Library, LibraryEntry
from routineplayer.core.loader import include_problems, load_routine, validate_file
from routineplayer.core.model import Routine
from routineplayer.core.motion_library import all_builtin_motions
from routineplayer.core.paths import DataNotFoundError
from routineplayer.core.plan import format_clock, plan_json, plan_text
from routineplayer.core.problems import Problem, RoutineError
from routineplayer.core.timeline import IncludeError, Timeline, expand

EXIT_OK = 0
EXIT_NO_WINDOW = 1
EXIT_UNEXPECTED = 1
EXIT_PROBLEMS = 2
log = logging.getLogger(__name__)
_log_handler: logging.Handler | None = None
ROUTINE_SUFFIXES = (".yaml", ".yml")


class CliError(Exception):
    """A problem to report in one line (no traceback), exiting with EXIT_PROBLEMS."""


def _library() -> Library:
    try:
        return Library()
    except DataNotFoundError as exc:
        raise CliError(f"{exc}; reinstall routineplayer") from exc


def _print_problems(problems: Iterable[Problem]) -> int:
    count = 0
    for problem in problems:
        print(problem, file=sys.stderr)
        count += 1
    return count


# --- validate ------------------------------------------------------------------------------


def _add_validate(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "validate",
        help="check routine files and report every problem",
        description="Check routine files (or every .yaml file in a folder). Each problem is "
        "printed on stderr as FILE:LINE:COL: key.path: what was expected. "
        "Exit code 0 when all are valid, 2 otherwise.",
    )
    parser.add_argument("files", nargs="+", metavar="FILE", type=Path, help="file or folder")
    parser.set_defaults(run=_run_validate)


def _routine_files(paths: Sequence[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.suffix in ROUTINE_SUFFIXES)
            if not found:
                raise CliError(f"{path}: no routine files (*.yaml) in this folder")
            files.extend(found)
        else:
            files.append(path)  # a missing file is reported by the loader, with the others
    return files


def _run_validate(args: argparse.Namespace) -> int:
    library = _library()
    files = _routine_files(args.files)
    bad_files = problems = 0
    for path in files:
        found = _print_problems(validate_file(path, library))
        problems += found
        bad_files += bool(found)
    if problems:
        print(
            f"{problems} problem{'s' * (problems != 1)} in {bad_files} of {len(files)} "
            f"file{'s' * (len(files) != 1)}",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    print(f"{len(files)} routine file{'s' * (len(files) != 1)} checked: all valid")
    return EXIT_OK


# --- list ----------------------------------------------------------------------------------


def _add_list(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "list",
        help="list the built-in and your own routines with their lengths",
        description="List the built-in and your own routines: name (for plan and include), "
        "title, total length with the time of exercise in it, and where it comes from.",
    )
    parser.set_defaults(run=_run_list)


def _entry_row(entry: LibraryEntry, library: Library) -> tuple[str, str, str, str]:
    where = "built-in" if entry.builtin else "yours"
    if entry.shadowed:
        where += f" (hidden by the built-in {entry.name}: rename {entry.path})"
    try:
        routine = load_routine(entry.path) if entry.shadowed else library.resolve(entry.name)
        timeline = expand(routine, library.resolve)
    except (RoutineError, LookupError, IncludeError):
        return entry.name, "?", f"has problems: run routineplayer validate {entry.path}", where
    length = f"{format_clock(timeline.total)} ({format_clock(timeline.work_seconds)} work)"
    return entry.name, routine.title, length, where


def _run_list(args: argparse.Namespace) -> int:
    library = _library()
    rows = [_entry_row(entry, library) for entry in library.entries()]
    if not rows:
        print("no routines found")
        return EXIT_OK
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    for row in rows:
        cells = [cell.ljust(width) for cell, width in zip(row, widths, strict=False)]
        print("  ".join([*cells, row[3]]))
    return EXIT_OK


# --- movements -----------------------------------------------------------------------------


def _add_movements(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "movements",
        help="list the movement library: the ids a step's movement: can name",
        description="List the movement library (docs/movement-format.md): each movement's "
        "id, for movement: on a step, its name, and what it is.",
    )
    parser.set_defaults(run=_run_movements)


def _run_movements(args: argparse.Namespace) -> int:
    try:
        motions = all_builtin_motions()
    except RoutineError as exc:
        print(f"a movement of the library has problems:\n{exc}", file=sys.stderr)
        return EXIT_PROBLEMS
    width = max((len(m.id) for m in motions), default=0)
    for motion in motions:
        print(f"{motion.id.ljust(width)}  {motion.name}: {motion.description}")
    return EXIT_OK


# --- plan ----------------------------------------------------------------------------------


def _add_plan(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "plan",
        help="show a routine's timeline: every segment and spoken cue with its time",
        description="Show the expanded timeline the player will follow: each segment with "
        "its start and end, and every cue at its time from the start. Open-ended segments "
        "(reps without tempo, the safety check) count with the time the plan assumes.",
    )
    parser.add_argument("routine", metavar="NAME|FILE", help="a routine name or a .yaml file")
    parser.add_argument("--json", action="store_true", help="print JSON instead of text")
    parser.set_defaults(run=_run_plan)


def _is_file_argument(text: str) -> bool:
    return text.endswith(ROUTINE_SUFFIXES) or os.sep in text or "/" in text


def _planned_routine(target: str, library: Library) -> tuple[Routine, Library]:
    """The routine that ``target`` names, and the library its includes resolve in."""
    if _is_file_argument(target) or (Path(target).is_file() and library.path_of(target) is None):
        path = Path(target)
        library = library.with_dir(path.parent)
        routine = load_routine(path)  # raises RoutineError with every problem in the file
        problems = include_problems(routine, library)
        if problems:
            raise RoutineError(problems)
        return routine, library
    try:
        routine = library.resolve(target)
    except LookupError as exc:
        raise CliError(str(exc)) from exc
    problems = include_problems(routine, library)
    if problems:
        raise RoutineError(problems)
    return routine, library


def _planned_timeline(target: str) -> Timeline:
    """The expanded timeline of a routine name or file; RoutineError lists its problems."""
    routine, library = _planned_routine(target, _library())
    return expand(routine, library.resolve)


def _run_plan(args: argparse.Namespace) -> int:
    timeline = _planned_timeline(args.routine)
    sys.stdout.write(plan_json(timeline) if args.json else plan_text(timeline))
    return EXIT_OK


# --- play ----------------------------------------------------------------------------------


def _add_play(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "play",
        help="play a routine: in the window, or by sound alone in this terminal (--audio-only)",
        description="Play a routine by name or file. With --audio-only no window opens (no "
        "display is needed): every cue is spoken and printed, and single keys control it: "
        "space pause or done, s skip, b back, y/n answer the check, Enter carry on, q quit. "
        "With --listen the answers can be spoken too (offline; no audio is kept).",
    )
    parser.add_argument("routine", metavar="NAME|FILE", help="a routine name or a .yaml file")
    parser.add_argument(
        "--audio-only", action="store_true", help="play in this terminal, by sound alone"
    )
    parser.add_argument(
        "--listen",
        action="store_true",
        help="with --audio-only: take spoken answers too (yes/no, pain 0-10 or skip, pause, "
        "carry on, next, stop); try your microphone first with mic-test",
    )
    parser.add_argument(
        "--device", metavar="TEXT", default="", help="with --listen: the input whose name has TEXT"
    )
    parser.set_defaults(run=_run_play)


def _run_play(args: argparse.Namespace) -> int:
    if (args.listen or args.device) and not args.audio_only:
        raise CliError(
            "--listen is for --audio-only; in the window, turn spoken answers on in "
            "Settings → Spoken answers"
        )
    timeline = _planned_timeline(args.routine)
    if args.audio_only:
        from routineplayer import terminal_player

        return terminal_player.run(timeline, listen=args.listen, device=args.device)
    if _no_display():
        print(
            "routineplayer: no display found, so the window cannot open; to play by sound "
            f"alone: routineplayer play {args.routine} --audio-only",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    from routineplayer.gui import app

    return app.main([], timeline=timeline, routine_name=args.routine)


# --- render --------------------------------------------------------------------------------


def _add_render(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "render",
        help="write a routine as one audio file (WAV) to play from a phone or a speaker",
        description="Write the whole routine as one mono WAV: every spoken cue and chime at "
        "its time in the plan, silence between. A rep set that waits for 'done' lasts its "
        "reps at --tempo seconds each; a belly check lasts as long as its question takes "
        "plus a short pause.",
    )
    parser.add_argument("routine", metavar="NAME|FILE", help="a routine name or a .yaml file")
    parser.add_argument("--out", required=True, type=Path, metavar="FILE.wav", help="the file")
    parser.add_argument(
        "--tempo",
        type=float,
        default=None,
        metavar="SECONDS",
        help="seconds per rep for rep sets without a tempo (default: the plan's)",
    )
    parser.set_defaults(run=_run_render)


def _run_render(args: argparse.Namespace) -> int:
    from routineplayer.core.model import DEFAULT_SECONDS_PER_REP
    from routineplayer.speech.track import render_track

    if args.tempo is not None and args.tempo <= 0:
        raise CliError("--tempo must be a number of seconds above 0")
    timeline = _planned_timeline(args.routine)
    try:
        report = render_track(timeline, args.out, args.tempo or DEFAULT_SECONDS_PER_REP)
    except OSError as exc:
        raise CliError(f"cannot write {args.out}: {exc.strerror or exc}") from exc
    if report.speech_off:
        print(f"routineplayer: {report.speech_off} The track has chimes only.", file=sys.stderr)
    elif report.unspoken:
        print(
            f"routineplayer: {len(report.unspoken)} cues could not be spoken; chimes stand in",
            file=sys.stderr,
        )
    print(f"{args.out}: {format_clock(report.seconds)}, {len(report.voices)} spoken cues")
    return EXIT_OK


# --- mic-test ------------------------------------------------------------------------------

EXIT_NO_MICROPHONE = 1
MIC_TEST_SCRIPT = (
    ("yes", "check"),
    ("no", "check"),
    ("seven", "pain"),
    ("skip", "pain"),
    ("pause", "play"),
    ("carry on", "play"),
)


def _add_mic_test(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = sub.add_parser(
        "mic-test",
        help="see how well spoken answers are heard: a level meter, then six words to say",
        description="Open the microphone, show its level for a few seconds, then ask for six "
        "answers one at a time and print what was heard, with a score. Recognition is "
        "offline and nothing is recorded. Exit code 0 when the test ran (whatever the "
        "score), 1 when there is no working microphone.",
    )
    parser.add_argument(
        "--device", metavar="TEXT", help="the input whose description contains TEXT"
    )
    parser.add_argument("--list", action="store_true", help="list the input devices and exit")
    parser.add_argument(
        "--seconds",
        type=float,
        default=3.0,
        metavar="SECONDS",
        help="how long the level meter runs (default 3)",
    )
    parser.add_argument(
        "--wait",
        type=float,
        default=6.0,
        metavar="SECONDS",
        help="how long each word is waited for (default 6)",
    )
    parser.set_defaults(run=_run_mic_test)


def _level_bar(db: float, width: int = 30) -> str:
    filled = round(width * min(1.0, max(0.0, (db + 60.0) / 60.0)))  # -60 dBFS .. 0 dBFS
    return f"[{'#' * filled}{'.' * (width - filled)}] {db:6.1f} dBFS"


def _run_mic_test(args: argparse.Namespace) -> int:
    from PySide6.QtCore import QCoreApplication, QEventLoop, QTimer

    from routineplayer.core.voice_answers import Moment, answer_for
    from routineplayer.runtime.microphone import (
        NO_MICROPHONE,
        Microphone,
        device_matching,
        input_devices,
    )
    from routineplayer.runtime.voice_listener import VoiceListener
    from routineplayer.speech.recogniser import Heard

    if args.seconds < 0 or args.wait <= 0:
        raise CliError("--seconds must be 0 or more and --wait above 0")
    _app = QCoreApplication.instance() or QCoreApplication([])  # QtMultimedia needs one
    devices = input_devices()
    if args.list:
        for device in devices:
            print(f"{'*' if device.is_default else ' '} {device.description}")
        if not devices:
            print(f"routineplayer: {NO_MICROPHONE}", file=sys.stderr)
        return EXIT_OK if devices else EXIT_NO_MICROPHONE
    device_id = None
    if args.device:
        device_id = device_matching(args.device, devices)
        if device_id is None:
            raise CliError(f"no input device matches {args.device!r}: see mic-test --list")

    def wait(seconds: float, done: Callable[[], bool] = lambda: False) -> None:
        """Run Qt's event loop for ``seconds`` or until ``done()``; Ctrl+C still works."""
        loop = QEventLoop()
        poll = QTimer()
        poll.timeout.connect(lambda: loop.quit() if done() else None)
        poll.start(50)
        QTimer.singleShot(round(seconds * 1000), loop.quit)
        loop.exec()
        poll.stop()

    mic = Microphone(device_id)
    listener = VoiceListener(mic)
    failures: list[str] = []
    listener.failed.connect(failures.append)
    try:
        mic.start()  # a failure is in failures at once: the connection is direct
        if failures:
            print(f"routineplayer: {failures[0]}", file=sys.stderr)
            return EXIT_NO_MICROPHONE
        print(f"Listening on {mic.description}. Nothing is recorded.", flush=True)
        live = sys.stdout.isatty()
        levels: list[float] = []

        def show(db: float) -> None:
            levels.append(db)
            if live:
                print(f"\r{_level_bar(db)}", end="", flush=True)

        mic.level.connect(show)
        end = time.monotonic() + args.seconds
        while time.monotonic() < end and not failures:
            wait(min(0.5, end - time.monotonic()))
            if not live and levels:
                print(_level_bar(max(levels[-10:])), flush=True)
        mic.level.disconnect(show)
        if live:
            print()
        right = 0
        heard: list[Heard] = []
        listener.heard.connect(heard.append)
        for word, moment_name in MIC_TEST_SCRIPT:
            if failures:
                break
            moment = Moment(moment_name)
            heard.clear()
            listener.listen(moment)
            print(f"Say: {word}", flush=True)
            wait(args.wait, lambda: any(h.answer is not None for h in heard) or bool(failures))
            listener.listen(None)
            answers = [h for h in heard if h.answer is not None]
            got = answers[0] if answers else (heard[-1] if heard else None)
            ok = got is not None and got.answer == answer_for(word, moment)
            right += ok
            if got is None:
                print("  heard nothing", flush=True)
            else:
                what = got.text or "(no words)"
                verdict = "right" if ok else "not an answer" if got.answer is None else "wrong"
                unsure = "" if getattr(got, "sure", True) else ", not sure"
                print(f"  heard: {what} ({verdict}{unsure}, {got.confidence:.2f})", flush=True)
        if failures:
            print(f"routineplayer: {failures[0]}", file=sys.stderr)
            return EXIT_NO_MICROPHONE
        print(f"Heard {right} of {len(MIC_TEST_SCRIPT)} right.", flush=True)
        return EXIT_OK
    finally:
        listener.close()


# --- the window ----------------------------------------------------------------------------


def _no_display() -> bool:
    """True on Linux with no X11 or Wayland display and no Qt platform chosen (Qt would abort)."""
    if not sys.platform.startswith("linux"):
        return False
    return not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _run_gui(argv: list[str], *, background: bool = False) -> int:
    if _no_display():
        print(
            "routineplayer: no display found (DISPLAY and WAYLAND_DISPLAY are not set), so the "
            "window cannot open. Start it from a desktop session, or play a routine by sound "
            "alone: routineplayer play warm-up --audio-only",
            file=sys.stderr,
        )
        return EXIT_PROBLEMS
    try:
        app = importlib.import_module("routineplayer.gui.app")
    except ModuleNotFoundError as exc:
        if exc.name in ("routineplayer.gui", "routineplayer.gui.app"):
            print(
                "routineplayer: the window is not part of this build yet "
                "(routineplayer.gui.app is missing); try routineplayer --help",
                file=sys.stderr,
            )
            return EXIT_NO_WINDOW
        if exc.name and exc.name.split(".")[0] in ("PySide6", "shiboken6"):
            print(
                f"routineplayer: {exc.name} is not installed, so the window cannot open; "
                "run `make setup` (or pip install PySide6)",
                file=sys.stderr,
            )
            return EXIT_NO_WINDOW
        raise
    result: int = app.main([], background=background)
    return result


# --- the parser ------------------------------------------------------------------------------


def _add_global_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--version", action="version", version=f"routineplayer {__version__}")
    parser.add_argument(
        "--background",
        action="store_true",
        help="start in the tray, without the window (for starting at login; where the "
        "desktop has no tray the window opens minimised)",
    )
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help="check that this installation works (built-in routines, speech, the window) "
        "and exit: 0 if it does",
    )


SubcommandAdder = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]
SUBCOMMANDS: list[SubcommandAdder] = [
    _add_validate,
    _add_list,
    _add_movements,
    _add_plan,
    _add_play,
    _add_render,
    _add_mic_test,
]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="routineplayer",
        description="Guided exercise and breathing routines with spoken cues. "
        "With no command, the window opens.",
    )
    _add_global_options(parser)
    sub = parser.add_subparsers(title="commands", dest="command", metavar="COMMAND")
    for add in SUBCOMMANDS:
        add(sub)
    return parser


def _log_to_file() -> Path | None:
    """Send the app's log to paths.log_file() (not the terminal: the output of validate and
    plan is for reading). Returns the file, or None when even that cannot be opened."""
    global _log_handler
    root = logging.getLogger()
    if _log_handler is not None:  # main() called again in one process (tests)
        root.removeHandler(_log_handler)
        _log_handler.close()
        _log_handler = None
    path = paths.log_file()
    try:
        handler = logging.FileHandler(path, encoding="utf-8", delay=False)
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root.addHandler(handler)
    if root.level > logging.INFO or root.level == logging.NOTSET:
        root.setLevel(logging.INFO)
    _log_handler = handler
    return path


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(args_list)
    log_path = _log_to_file()
    try:
        return _dispatch(args, args_list)
    except Exception as exc:  # a bug or a fault nobody foresaw: one line, never a traceback
        log.exception("unexpected error in routineplayer %s", " ".join(args_list))
        where = f"details in {log_path}" if log_path else "no log file could be written"
        what = escape_controls(f"{type(exc).__name__}: {exc}")
        print(
            f"routineplayer: unexpected error: {what} ({where}; please report it)", file=sys.stderr
        )
        return EXIT_UNEXPECTED
    except KeyboardInterrupt:  # Ctrl+C: the user asked; no traceback
        return 128 + 2


def _dispatch(args: argparse.Namespace, args_list: list[str]) -> int:
    run: Callable[[argparse.Namespace], int] | None = getattr(args, "run", None)
    try:
        if args.smoke_test:
            from routineplayer.smoke_test import run as smoke_test

            return smoke_test()
        if run is None:
            return _run_gui(args_list, background=args.background)
        return run(args)
    except CliError as exc:
        print(f"routineplayer: {escape_controls(str(exc))}", file=sys.stderr)
        return EXIT_PROBLEMS
    except RoutineError as exc:  # a routine named on the command line has problems
        _print_problems(exc.problems)
        return EXIT_PROBLEMS
    except BrokenPipeError:  # `routineplayer plan x | head`: the reader left; not an error
        # Point stdout at /dev/null so the interpreter's final flush does not complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_OK
