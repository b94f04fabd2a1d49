"""Every control a person can use is named and reachable by keyboard, as a screen reader
user meets the app: the real app under Xvfb, registered on a real AT-SPI bus, walked with
pyatspi (atspi_walker.py, run under Debian's python3) page by page.

Pages walked, in this order, in one run of the app:
  library  the start page, with its menu bar;
  player   a routine playing: the first step of a routine written for this test, a long
           hold, reached with → past the get-ready (the walk happens while it counts down);
  check    the lower-belly check ("Did your lower belly disconnect?" with Yes and No),
           which the same routine's second step, a one-second strengthening set, asks;
  history  the journal (Journal ▸ History, Ctrl+H), holding the session just played;
  editor   the routine editor window on that routine, with its menu bar.

The rules (atspi_walker.py applies them; anything not showing is never judged, so hidden
pages, closed menus and list rows scrolled out of view are left out):
  * Controls are the showing objects with an interactive role: push/toggle button, check
    box, radio button, combo box, spin button, text/entry, slider, list, list item, table,
    tree (item), page tab, menu, menu item. Panels, fillers, scroll areas and labels are not.
  * Named: a control's accessible name is not blank, or a label names it (labelled-by).
  * Reachable (enabled controls only: Qt takes disabled ones out of the Tab order): pressing
    Tab from where the app put the focus, until the focus comes back to an object it had
    (or 80 presses), gives it the focus, or gives it to a part of it (a table's cell, an
    editable combo box's text); or it is the item of a list, table, tree or tab bar that
    Tab reached (the arrow keys move among items); or it is a menu bar entry or menu item
    that gets the focus going Alt, then Down through each menu and Right to the next.
    "It cannot take the keyboard focus" in the report means AT-SPI says it is not even
    focusable (Qt.NoFocus). Disabled controls still need a name.
  * An object Tab stops on must have a name too, control or not ("unnamed focus stop": a
    scroll area or chart view that takes focus), except a table cell (a value, named by
    its column).
  * A Tab trap is an offender too, when controls were left unreached: Tab going round the
    items of one list or table and never out (a table with tabKeyNavigation), or Tab not
    moving the focus off one control.
  * The walk starts where the app puts the focus, and follows Tab only forwards. Menus are
    walked on the library and the editor; the history shares the library's menu bar.
The walker checks that each page shows before and after it is walked (a page that changed
under it fails the test as a problem of the walk, never as an offender), and judges only
the controls still showing after the walk. The offenders are listed one line each, by
page: role 'name' (Qt class or object name): problems [AT-SPI path from the window].
Each page's walk is kept in the test's tmp_path as walk-PAGE.json (the Tab sequence, the
controls, the menu items reached).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from real_app import (
    WAIT_S,
    Walker,
    install_routine,
    offender_line,
    press,
    running_app,
    wait_for_shown_window,
    xdotool,
)

ROUTINE_FILE = "a11y-walk.yaml"
ROUTINE_TITLE = "Keyboard walk"
# The long hold keeps the player still while it is walked; the set after it is over in a
# second, and its check then waits for an answer for as long as the walk takes.
ROUTINE = f"""\
format: 1
title: {ROUTINE_TITLE}
summary: A long hold to walk the player, then one short strengthening set and its check.
lead_in: 3s
steps:
  - title: Bird-dog hold
    duration: 10m
  - title: Plank hold
    duration: 1s
    check: true
"""
MAIN = "^routineplayer$"
PLAYING = f"^Playing: {ROUTINE_TITLE}"
EDITOR = "routineplayer editor$"


def _report(results: list[dict[str, Any]]) -> str:
    """One line per offender, grouped by page: role 'name' (Qt class): problems [path]."""
    lines = []
    total = sum(len(r["offenders"]) for r in results)
    for result in results:
        offenders, notes = result["offenders"], result["notes"]
        if not offenders and not notes:
            continue
        lines.append(f"{result['page']} ({len(offenders)}):")
        lines.extend(offender_line(o) for o in offenders)
        lines.extend(f"  note: {note}" for note in notes)
    return f"{total} accessibility offenders, by page:\n" + "\n".join(lines)


@pytest.mark.xvfb
@pytest.mark.slow
def test_every_control_is_named_and_reachable_by_keyboard(
    xvfb: str, atspi_bus: dict[str, str], routineplayer_home: Path, tmp_path: Path
) -> None:
    install_routine(routineplayer_home, ROUTINE_FILE, ROUTINE)
    search = ROUTINE_TITLE.split()[0].lower()  # type-ahead in the library finds it
    with running_app(xvfb, tmp_path) as app:
        a11y = Walker(atspi_bus, app.pid, tmp_path)
        main = wait_for_shown_window(xvfb, MAIN)
        notice = wait_for_shown_window(xvfb, "^When to see a doctor$")  # the first launch only
        press(xvfb, notice, "Return")
        a11y.wait(MAIN, "list:Routines")
        a11y.walk("library", MAIN, main, "list:Routines", menus=True)

        # The walk leaves the focus where it began, in the list.
        xdotool(xvfb, "windowfocus", "--sync", main)
        xdotool(xvfb, "type", "--delay", "60", search)
        press(xvfb, main, "Return")
        prestart = wait_for_shown_window(xvfb, f"^Before you start: {ROUTINE_TITLE}$")
        press(xvfb, prestart, "Return")
        pain = wait_for_shown_window(xvfb, "^Pain before you start$")
        press(xvfb, pain, "s")
        # → skips the opening and the get-ready (a key pressed before the voice is ready does
        # nothing, hence "until"); the hold then plays for ten minutes.
        countdown = "filler:Step progress"  # shows while a set plays
        right = {"press": "Right", "window": main, "every": "1.5"}
        a11y.wait(PLAYING, countdown, **right, max_presses="6")
        a11y.walk("player", PLAYING, main, countdown, "push button:Pause")

        # → past the hold, to the set's get-ready; → once more skips that (were the press
        # lost, the get-ready would end by itself), and the check follows the one-second set.
        a11y.wait(PLAYING, "filler:Time to get ready", **right, max_presses="3")
        # The prompt's description is its question (a label with a name has no text).
        question = "filler:=Did your lower belly disconnect?"
        a11y.wait(PLAYING, question, "push button:Yes", **right, max_presses="1")
        a11y.walk("check", PLAYING, main, question, "push button:Yes", "push button:No")

        press(xvfb, main, "n")  # no: carry on, and the routine is over
        summary = wait_for_shown_window(xvfb, f"^Well done: {ROUTINE_TITLE}$")
        press(xvfb, summary, "Return")
        pain = wait_for_shown_window(xvfb, "^Pain after the routine$")
        press(xvfb, pain, "3", "Return")

        a11y.wait(MAIN, "list:Routines")
        press(xvfb, main, "ctrl+h")
        a11y.wait(MAIN, "table:Sessions")
        a11y.walk("history", MAIN, main, "table:Sessions")

        press(xvfb, main, "Escape")  # the history closes; the library has the keys again
        a11y.wait(MAIN, "list:Routines")
        xdotool(xvfb, "type", "--delay", "60", search)
        press(xvfb, main, "ctrl+e")  # one of mine: it opens in the editor
        editor = wait_for_shown_window(xvfb, f"^{ROUTINE_TITLE} — {EDITOR}")
        a11y.wait(EDITOR, "list:Steps")
        a11y.walk("editor", EDITOR, editor, "list:Steps", menus=True)

        press(xvfb, main, "ctrl+q")
        assert app.wait(timeout=WAIT_S) == 0

    results = a11y.results
    assert [r["page"] for r in results] == ["library", "player", "check", "history", "editor"]
    if any(r["offenders"] for r in results):
        pytest.fail(_report(results), pytrace=False)
