"""What a screen-reader (Orca) user hears, page by page: the real app under Xvfb on a real
AT-SPI bus, read with pyatspi (atspi_walker.py, under Debian's python3) as Orca reads it,
while an event listener (atspi_walker.py listen) records what the app tells Orca.

Pages, in this order, in one run of the app on a fresh ROUTINEPLAYER_HOME (so the first-run
notice shows: a gui.ini in its config folder holding [safety] notice_seen=1 would hide it):
  notice       the first-run safety notice, "When to see a doctor" (closed with Esc: once
               Tab has gone round it, Enter no longer closes it);
  library      the start page, with its menu bar;
  prestart     "Before you start" for the routine written for this test;
  pain-before  the pain question before it;
  player       its first step, a ten-minute hold, reached with → past the get-ready;
  check        the lower-belly check after its second step, a one-second set;
  reset        the rest-and-reset that answering Y (yes) starts;
  summary      the summary after stopping the routine (Esc, Enter) during the reset;
  pain-after   the pain question after it;
  history      the journal (Ctrl+H);
  settings     Settings ▸ Voice and volume… (Ctrl+,);
  editor       the routine editor on the routine, with its menu bar.

The rules, on every page (anything not showing is never read: hidden pages, closed menus):
  1. Controls: test_atspi_walk.py's rules, the same walker: every interactive control
     showing is named and reachable by keyboard.
  2. Content: each text the page is about must be exposed by a showing object as its Text
     interface content, its accessible name or its description (white space and case
     aside): the safety notice's lead, warning signs and disclaimer (core.safety); on
     "Before you start" the routine's title, position, equipment and `safety:` lines; the
     pain questions (core.rating_prompts); the step's title and instruction in the player;
     the check's question ("Did your lower belly disconnect?"); the default reset cue on
     the rest-and-reset (model.DEFAULT_RESET_CUE, "... scoop up from your lower belly
     ..."); the summary's heading and its belly-check line.
     Generic names: a window whose accessible name is a generic word ("Summary") while its
     title says more is an offender. Objects with no children named with a generic word
     ("Step", "Instruction", "Question", "Position", "Keys", "Summary", ...: the list is
     atspi_walker.GENERIC_NAMES) whose description and Text content add nothing are what a
     screen reader says instead of the content; they are listed on a page where some
     content is not exposed. (Qt's labels have no Text interface: over AT-SPI a label named
     "Safety" cannot be told from a heading that shows the word "Safety", so on a page
     whose content is all there they are not judged.)
  3. Events (AT-SPI object:announcement, focus and accessible-name changes, from the app
     only, recorded from just after it starts; a listener that stops fails the test as a
     problem of its own): first, Tab in the library must bring a focus event,
     or the listener is not hearing the app and the test fails as a problem of its own.
     Then a step change (→ from the hold to the next step's get-ready) and the check's
     appearance must each bring, within HEAR_S seconds of the page showing, an
     announcement whose text holds the new step's title (the check's question), or a
     focus event on an object whose name or description holds it. And over COUNTDOWN_S
     seconds in the middle of the ten-minute hold there must be at most one announcement:
     the countdown must not be read out every second.
  4. List items: each item of the library's list is named in at most 100 characters (the
     title and the length: it is said on every arrow press), and the item of this test's
     routine holds its summary and its equipment in its description, not in its name.

The findings are listed one line each, by page: objects as role 'name' (Qt class or object
name): problems [AT-SPI path]; texts not exposed; what was not heard, with what was.
Kept in tmp_path: walk-PAGE.json for each page, events.jsonl (every event recorded).
"""

from __future__ import annotations

import re
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from real_app import (
    WAIT_S,
    EventLog,
    Walker,
    WalkerError,
    install_routine,
    listening,
    offender_line,
    press,
    running_app,
    wait_for_shown_window,
    xdotool,
)

from routineplayer.core import safety
from routineplayer.core.model import DEFAULT_CHECK_QUESTION, DEFAULT_RESET_CUE
from routineplayer.core.rating_prompts import When, question_for

ROUTINE_FILE = "screen-reader-walk.yaml"
ROUTINE_TITLE = "Screen reader walk"
SUMMARY = "A long hold to hear the player, then one short set, its check and a rest."
POSITION = "Kneel on all fours on a mat, hands under your shoulders."
EQUIPMENT = "A mat or a folded blanket"
SAFETY = (
    "Stop at once if pain spreads down a leg.",
    "Keep the small of your back still as you move.",
)
HOLD, HOLD_SAYS = "Bird-dog hold", "Reach one arm forwards and the opposite leg back, and hold."
SET, SET_SAYS = "Plank hold", "Rest on your forearms and toes, your body in one straight line."
# The hold keeps the player still while it is walked and listened to; the set after it is
# over in a second, and its check (the default question and reset) then waits for an answer.
ROUTINE = f"""\
format: 1
title: {ROUTINE_TITLE}
summary: {SUMMARY}
position: {POSITION}
equipment:
  - {EQUIPMENT}
safety:
  - {SAFETY[0]}
  - {SAFETY[1]}
lead_in: 3s
steps:
  - title: {HOLD}
    say: {HOLD_SAYS}
    duration: 10m
  - title: {SET}
    say: {SET_SAYS}
    duration: 1s
    check: true
"""
MAIN = "^routineplayer$"
NOTICE = f"^{re.escape(safety.TITLE)}$"
PRESTART = "^Before you start"  # its accessible name may leave the routine's title out
PAIN_BEFORE = "^Pain before you start$"
PAIN_AFTER = "^Pain after the routine$"
PLAYING = f"^Playing: {ROUTINE_TITLE}"
STOPPED = f"Stopped: {ROUTINE_TITLE}"
SUMMARY_WINDOW = f"^(Summary|{STOPPED})$"  # the accessible name, or the title
SETTINGS = "^Voice and volume$"
EDITOR = "routineplayer editor$"
NOTICE_LINES = (
    safety.GENERAL_LEAD,
    safety.URGENT_INTRO,
    *safety.URGENT_SIGNS,
    safety.SOON_INTRO,
    *safety.SOON_SIGNS,
    safety.NOT_A_MEDICAL_DEVICE,
)

HEAR_S = 3.0  # after a page shows, how long its announcement may take to come
COUNTDOWN_S = 6.0
ANNOUNCEMENT = "object:announcement"


def is_focus(event: dict[str, Any]) -> bool:
    kind = event["type"]
    return kind == "focus:" or (kind == "object:state-changed:focused" and bool(event["detail1"]))


def names(event: dict[str, Any], text: str) -> bool:
    """The event tells ``text``: an announcement saying it, or the focus moving to an object
    whose name or description holds it."""
    wanted = " ".join(text.split()).casefold()

    def has(said: Any) -> bool:
        return wanted in " ".join(str(said or "").split()).casefold()

    if event["type"] == ANNOUNCEMENT:
        return has(event["data"])
    return is_focus(event) and (has(event.get("name")) or has(event.get("description")))


def heard(events: list[dict[str, Any]]) -> str:
    """The announcements and focus moves among ``events``, briefly."""
    said = []
    for event in events:
        if event["type"] == ANNOUNCEMENT:
            said.append(f"announcement {event['data']!r}")
        elif is_focus(event):
            described = f" ({event['description']!r})" if event.get("description") else ""
            said.append(f"focus on {event['role']} {event['name']!r}{described}")
    unique = list(dict.fromkeys(said))
    return "; ".join(unique[:6]) + (f"; … {len(unique) - 6} more" if len(unique) > 6 else "")


class Ears:
    """What the listener heard, judged: the problems of each page."""

    def __init__(self, log: EventLog) -> None:
        self.log = log
        self.problems: dict[str, list[str]] = defaultdict(list)

    def told(self, page: str, what: str, text: str, since: float) -> None:
        """Something since ``since`` (the page shows by now) must have told ``text``."""
        shown = time.monotonic()
        if self.log.wait_for(lambda e: names(e, text), since, HEAR_S) is None:
            events = self.log.events(since, shown + HEAR_S)
            self.problems[page].append(
                f"{what}: no announcement of {text!r} and no focus on an object whose name "
                f"or description holds it, within {HEAR_S:.0f} s; heard: "
                f"{heard(events) or 'nothing'}"
            )

    def quiet(self, page: str, what: str, seconds: float) -> None:
        """At most one announcement over the next ``seconds``."""
        began = time.monotonic()
        time.sleep(seconds)
        said = [e for e in self.log.events(began, time.monotonic()) if e["type"] == ANNOUNCEMENT]
        self.log.check()
        if len(said) > 1:
            self.problems[page].append(
                f"{what}: {len(said)} announcements in {seconds:.0f} s (at most 1): "
                + "; ".join(repr(e["data"]) for e in said[:8])
            )


def focus_moves(log: EventLog, display: str, window: str) -> None:
    """Tab, then Shift+Tab, in the library: each must bring a focus event (else the listener
    hears nothing and no event finding could be trusted), and the second puts the focus back
    in the list, where the type-ahead that follows needs it."""
    for key, wanted, where in (
        ("Tab", lambda e: is_focus(e), "anywhere"),
        ("shift+Tab", lambda e: is_focus(e) and "list" in e["role"], "on the list"),
    ):
        since = time.monotonic()
        press(display, window, key)
        if log.wait_for(wanted, since, 5) is None:
            raise WalkerError(
                f"the event listener heard no focus event {where} after {key} in the library "
                f"in 5 s, so what it hears cannot be judged; it heard: "
                f"{heard(log.events(since)) or 'nothing'} ({len(log.events())} events in all)"
            )


def _report(results: list[dict[str, Any]], ears: Ears) -> str:
    """One line per problem, grouped by page."""
    lines = []
    total = 0
    for result in results:
        page = result["page"]
        offenders, missing = result["offenders"], result["missing"]
        events, notes = ears.problems.get(page, []), result["notes"]
        count = len(offenders) + len(missing) + len(events)
        total += count
        if not count and not notes:
            continue
        lines.append(f"{page} ({count}):")
        lines.extend(offender_line(o) for o in offenders)
        lines.extend(f"  content: {text}" for text in missing)
        lines.extend(f"  heard: {text}" for text in events)
        lines.extend(f"  note: {note}" for note in notes)
    return f"{total} problems a screen-reader user meets, by page:\n" + "\n".join(lines)


@pytest.mark.xvfb
@pytest.mark.slow
def test_a_screen_reader_user_hears_every_page(
    xvfb: str, atspi_bus: dict[str, str], routineplayer_home: Path, tmp_path: Path
) -> None:
    install_routine(routineplayer_home, ROUTINE_FILE, ROUTINE)
    search = ROUTINE_TITLE.split()[0].lower()  # type-ahead in the library finds it
    with (
        running_app(xvfb, tmp_path) as app,
        listening(atspi_bus, app.pid, tmp_path / "events.jsonl") as log,
    ):
        a11y = Walker(atspi_bus, app.pid, tmp_path)
        ears = Ears(log)
        main = wait_for_shown_window(xvfb, MAIN)
        notice = wait_for_shown_window(xvfb, NOTICE)  # the first launch only
        a11y.wait(NOTICE)
        a11y.walk("notice", NOTICE, notice, content=NOTICE_LINES, generic_names=True)
        # Esc, not Enter: once Tab has gone round the notice, Enter no longer closes it.
        press(xvfb, notice, "Escape")

        a11y.wait(MAIN, "list:Routines")
        a11y.walk(
            "library",
            MAIN,
            main,
            "list:Routines",
            menus=True,
            generic_names=True,
            items="list:Routines",
            item_description=[f"{ROUTINE_TITLE}={SUMMARY}", f"{ROUTINE_TITLE}={EQUIPMENT}"],
        )
        focus_moves(log, xvfb, main)

        xdotool(xvfb, "windowfocus", "--sync", main)
        xdotool(xvfb, "type", "--delay", "60", search)
        press(xvfb, main, "Return")
        prestart = wait_for_shown_window(xvfb, f"^Before you start: {ROUTINE_TITLE}$")
        a11y.wait(PRESTART, "push button:Start")
        a11y.walk(
            "prestart",
            PRESTART,
            prestart,
            "push button:Start",
            content=[ROUTINE_TITLE, POSITION, EQUIPMENT, *SAFETY],
            generic_names=True,
        )
        press(xvfb, prestart, "Return")
        pain = wait_for_shown_window(xvfb, PAIN_BEFORE)
        a11y.wait(PAIN_BEFORE, "push button:Skip")
        a11y.walk(
            "pain-before",
            PAIN_BEFORE,
            pain,
            "push button:Skip",
            content=[question_for(When.BEFORE)],
            generic_names=True,
        )
        press(xvfb, pain, "s")

        # → skips the opening and the get-ready (a key pressed before the voice is ready does
        # nothing, hence "until"); the hold then plays for ten minutes.
        countdown = "filler:Step progress"  # shows while a set plays
        right = {"press": "Right", "window": main, "every": "1.5"}
        a11y.wait(PLAYING, countdown, **right, max_presses="6")
        a11y.walk(
            "player",
            PLAYING,
            main,
            countdown,
            "push button:Pause",
            content=[HOLD, HOLD_SAYS],
            generic_names=True,
        )
        ears.quiet("player", "the hold's countdown, in its first minute", COUNTDOWN_S)

        since = time.monotonic()  # → past the hold, to the set's get-ready
        a11y.wait(PLAYING, "filler:Time to get ready", **right, max_presses="3")
        ears.told("player", f"the step changed to {SET!r} (→)", SET, since)

        # → once more skips the get-ready (were the press lost, it would end by itself), and
        # the check follows the one-second set.
        since = time.monotonic()
        a11y.wait(PLAYING, "push button:Yes", "push button:No", **right, max_presses="1")
        ears.told("check", "the check appeared", DEFAULT_CHECK_QUESTION, since)
        a11y.walk(
            "check",
            PLAYING,
            main,
            "push button:Yes",
            "push button:No",
            content=[DEFAULT_CHECK_QUESTION],
            generic_names=True,
        )

        press(xvfb, main, "y")  # yes: rest and reset, for two minutes
        a11y.wait(PLAYING, "filler:Rest time left")
        a11y.walk(
            "reset",
            PLAYING,
            main,
            "filler:Rest time left",
            content=[DEFAULT_RESET_CUE],
            generic_names=True,
        )

        press(xvfb, main, "Escape")  # asks first
        confirm = wait_for_shown_window(xvfb, "^Stop the routine\\?$")
        press(xvfb, confirm, "Return")
        summary = wait_for_shown_window(xvfb, f"^{STOPPED}$")
        a11y.wait(SUMMARY_WINDOW, "push button:Close")
        a11y.walk(
            "summary",
            SUMMARY_WINDOW,
            summary,
            "push button:Close",
            content=[STOPPED, "Belly checks: 1 answer"],
            generic_names=True,
        )
        press(xvfb, summary, "Return")
        pain = wait_for_shown_window(xvfb, PAIN_AFTER)
        a11y.wait(PAIN_AFTER, "push button:Skip")
        a11y.walk(
            "pain-after",
            PAIN_AFTER,
            pain,
            "push button:Skip",
            content=[question_for(When.AFTER)],
            generic_names=True,
        )
        press(xvfb, pain, "3", "Return")  # a rating, then Enter: no note

        a11y.wait(MAIN, "list:Routines")
        press(xvfb, main, "ctrl+h")
        a11y.wait(MAIN, "table:Sessions")
        a11y.walk("history", MAIN, main, "table:Sessions", generic_names=True)
        press(xvfb, main, "Escape")  # the history closes; the library has the keys again
        a11y.wait(MAIN, "list:Routines")

        press(xvfb, main, "ctrl+comma")
        settings = wait_for_shown_window(xvfb, SETTINGS)
        a11y.wait(SETTINGS, "slider:Volume")
        a11y.walk("settings", SETTINGS, settings, "slider:Volume", generic_names=True)
        press(xvfb, settings, "Escape")

        a11y.wait(MAIN, "list:Routines")
        xdotool(xvfb, "windowfocus", "--sync", main)
        xdotool(xvfb, "type", "--delay", "60", search)
        press(xvfb, main, "ctrl+e")  # one of mine: it opens in the editor
        editor = wait_for_shown_window(xvfb, f"^{ROUTINE_TITLE} — {EDITOR}")
        a11y.wait(EDITOR, "list:Steps")
        a11y.walk("editor", EDITOR, editor, "list:Steps", menus=True, generic_names=True)

        press(xvfb, main, "ctrl+q")
        assert app.wait(timeout=WAIT_S) == 0

    results = a11y.results
    assert [r["page"] for r in results] == [
        "notice",
        "library",
        "prestart",
        "pain-before",
        "player",
        "check",
        "reset",
        "summary",
        "pain-after",
        "history",
        "settings",
        "editor",
    ]
    if any(r["offenders"] or r["missing"] for r in results) or ears.problems:
        pytest.fail(_report(results, ears), pytrace=False)
