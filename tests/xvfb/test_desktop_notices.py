"""Reminders as desktop notifications, shown by a real notification server.

Each test runs its own D-Bus session bus (dbus-daemon) and, where a server is wanted, dunst on
that bus and on a private Xvfb display; DesktopNotices (desktop-notifier, dbus-fast) talks to
them as it would to a desktop's. Nothing of the server is faked: the test acts as the user
through dunstctl, dunst's own remote control.

- ``dunstctl action`` performs the default action of the newest notification: a click on it.
- ``dunstctl context`` opens dunst's context menu, which lists every action (the buttons) and
  pipes them through the configured ``dmenu`` command, invoking the one that command prints.
  Our "dmenu" is a script that prints the line with the label the test chose: a button press
  made by dunst itself, without a person at a menu.
- ``dunstctl close`` closes the newest notification as a user's click on it would (reason 2,
  dismissed).
- What dunst shows is recorded by a dunst rule's ``script``, which dunst runs for each
  notification it shows (with DUNST_SUMMARY, DUNST_BODY, ... in its environment).

The buses are started from a configuration of our own without the standard service
directories: Debian's dunst installs a D-Bus service file for org.freedesktop.Notifications,
so a standard session bus would start /usr/bin/dunst by itself (with the user's settings) the
moment anything asks for a notification server, on the bus meant to have none too.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from routineplayer import APP_ID
from routineplayer.runtime.desktop_notices import (
    APP_TITLE,
    SKIP_TODAY,
    SNOOZE,
    START_NOW,
    THREAD_NAME,
    DesktopNotices,
    notification_server_available,
)

pytestmark = pytest.mark.notifications
needs_dunst = pytest.mark.xvfb  # dunst draws on an X display: the xvfb fixture's

WAIT_MS = 20_000  # a loaded CI machine; the waits end as soon as what they wait for happens
NOTIFICATIONS = "org.freedesktop.Notifications"
SIGNALS = ("start_requested", "snooze_requested", "skip_requested", "dismissed", "unavailable")

BUS_CONFIG = """<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir={tmpdir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"""


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


@pytest.fixture
def start_bus(
    tmp_path: Path, require_command: Callable[[str, str], str]
) -> Iterator[Callable[[str], str]]:
    """``start_bus(name)`` starts a private session bus and returns its address; every bus
    started is stopped after the test."""
    daemon = require_command("dbus-daemon", "dbus-daemon")
    config = tmp_path / "session-bus.conf"
    # A socket path must be short (108 bytes): the system's temporary folder, not tmp_path.
    config.write_text(BUS_CONFIG.format(tmpdir=tempfile.gettempdir()))
    started: list[subprocess.Popen[bytes]] = []

    def start(name: str) -> str:
        log = tmp_path / f"{name}.log"
        read_fd, write_fd = os.pipe()
        with log.open("w") as out:
            bus = subprocess.Popen(
                [
                    daemon,
                    f"--config-file={config}",
                    "--nofork",
                    "--nopidfile",
                    f"--print-address={write_fd}",
                ],
                pass_fds=(write_fd,),
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        started.append(bus)
        os.close(write_fd)
        # The daemon prints its address once it listens: no polling.
        with os.fdopen(read_fd) as ready:
            address = ready.readline().strip()
        if not address:
            pytest.fail(f"dbus-daemon did not start: {log.read_text()}", pytrace=False)
        return address

    try:
        yield start
    finally:
        for bus in reversed(started):
            _stop(bus)


def _name_has_owner(address: str, name: str) -> bool:
    reply = subprocess.run(
        [
            "dbus-send",
            f"--bus={address}",
            "--print-reply",
            "--dest=org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus.NameHasOwner",
            f"string:{name}",
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return "boolean true" in reply.stdout


@dataclass
class Dunst:
    address: str
    folder: Path

    def ctl(self, *args: str) -> str:
        return subprocess.run(
            ["dunstctl", *args],
            env={**os.environ, "DBUS_SESSION_BUS_ADDRESS": self.address},
            capture_output=True,
            text=True,
            timeout=30,
            check=True,
        ).stdout

    def displayed(self) -> int:
        return int(self.ctl("count", "displayed").strip())

    def shown(self) -> list[dict[str, str]]:
        """Every notification dunst has shown, in order, as its rule's script saw it."""
        path = self.folder / "shown.txt"
        if not path.exists():
            return []
        fields = ("app", "summary", "body", "icon")
        return [
            dict(zip(fields, line.split("\t"), strict=True))
            for line in path.read_text().splitlines()
        ]

    def history(self) -> list[str]:
        """The summaries of the notifications dunst has closed, newest first."""
        data = json.loads(self.ctl("history"))["data"][0]
        return [entry["summary"]["data"] for entry in data]

    def choose(self, label: str) -> None:
        """Open dunst's context menu, whose "dmenu" picks the action called ``label``."""
        (self.folder / "choice").write_text(label)
        (self.folder / "menu.txt").unlink(missing_ok=True)
        self.ctl("context")

    def menu(self) -> str:
        """What dunst listed in its last context menu ('' until the menu has run)."""
        path = self.folder / "menu.txt"
        return path.read_text() if path.exists() else ""


def _script(path: Path, text: str) -> Path:
    path.write_text("#!/bin/sh\n" + text)
    path.chmod(0o755)
    return path


@pytest.fixture
def dunst(
    xvfb: str,
    start_bus: Callable[[str], str],
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    require_command: Callable[[str, str], str],
) -> Iterator[Dunst]:
    """dunst on the Xvfb display and a private bus, which DBUS_SESSION_BUS_ADDRESS names
    from here on (for DesktopNotices too, which connects at its first notify)."""
    binary = require_command("dunst", "dunst")
    require_command("dunstctl", "dunst")
    require_command("dbus-send", "dbus-bin")
    folder = tmp_path / "dunst"
    folder.mkdir()
    # Our "dmenu": dunst writes one line per action to its stdin and invokes the one printed.
    menu = folder / "menu.txt"
    pick = _script(
        folder / "pick", f'cat > "{menu}"\ngrep -m1 -F -- "$(cat "{folder}/choice")" "{menu}"\n'
    )
    record = _script(
        folder / "record",
        r'printf "%s\t%s\t%s\t%s\n" "$DUNST_APP_NAME" "$DUNST_SUMMARY" "$DUNST_BODY" '
        f'"$DUNST_ICON_PATH" >> "{folder}/shown.txt"\n',
    )
    config = folder / "dunstrc"
    config.write_text(
        "[global]\n"
        f"    dmenu = {pick}\n"
        "    browser = /bin/true\n"
        "[record]\n"
        '    summary = "*"\n'
        f"    script = {record}\n"
    )
    address = start_bus("bus")
    log = tmp_path / "dunst.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [binary, "-config", str(config)],
            env={**os.environ, "DISPLAY": xvfb, "DBUS_SESSION_BUS_ADDRESS": address},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + WAIT_MS / 1000
        while not _name_has_owner(address, NOTIFICATIONS):
            if server.poll() is not None:
                pytest.fail(f"dunst ended: {log.read_text()}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"dunst never took {NOTIFICATIONS}: {log.read_text()}", pytrace=False)
            time.sleep(0.05)
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", address)
        yield Dunst(address, folder)
    finally:
        _stop(server)


@pytest.fixture
def notices(qtbot: QtBot) -> Iterator[DesktopNotices]:
    """Request it after ``dunst``, so it is closed while dunst and the bus still run."""
    notices = DesktopNotices()
    try:
        yield notices
    finally:
        notices.close()


def _record(notices: DesktopNotices) -> list[tuple[str, str, int]]:
    """Every signal notices emits, as (name, argument, the thread it was delivered on)."""
    events: list[tuple[str, str, int]] = []
    for name in SIGNALS:
        getattr(notices, name).connect(
            lambda value, name=name: events.append((name, value, threading.get_ident()))
        )
    return events


def _gui() -> int:
    ident = threading.main_thread().ident
    assert ident is not None
    return ident


def _desktop_notice_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == THREAD_NAME and t.is_alive()]


def _show(qtbot: QtBot, dunst: Dunst, notices: DesktopNotices, key: str, title: str) -> None:
    before = len(dunst.shown())
    notices.notify(key, title, f"{title}: ten minutes, lying down.")
    qtbot.waitUntil(lambda: len(dunst.shown()) == before + 1, timeout=WAIT_MS)


@needs_dunst
def test_a_notification_shows_with_its_buttons(
    dunst: Dunst, notices: DesktopNotices, qtbot: QtBot
) -> None:
    events = _record(notices)
    notices.notify("rehab", "Time for your rehab routine", "Ten minutes, lying down.")

    qtbot.waitUntil(lambda: dunst.displayed() == 1, timeout=WAIT_MS)
    qtbot.waitUntil(lambda: bool(dunst.shown()), timeout=WAIT_MS)
    [shown] = dunst.shown()
    assert shown["app"] == APP_TITLE
    assert shown["summary"] == "Time for your rehab routine"
    assert shown["body"] == "Ten minutes, lying down."
    assert shown["icon"].endswith(f"{APP_ID}.png")
    assert notices.thread_alive

    # The menu lists every action: our three buttons and the default one (a click), no more.
    dunst.choose("(no such action)")
    qtbot.waitUntil(lambda: dunst.menu().count("\n") >= 3, timeout=WAIT_MS)
    labels = sorted(line.split(" (")[0] for line in dunst.menu().splitlines())
    assert labels == sorted(f"#{label}" for label in ("", START_NOW, SNOOZE, SKIP_TODAY))
    qtbot.wait(300)
    assert events == []
    assert dunst.displayed() == 1


@needs_dunst
def test_clicking_the_notification_means_start_now(
    dunst: Dunst, notices: DesktopNotices, qtbot: QtBot
) -> None:
    events = _record(notices)
    _show(qtbot, dunst, notices, "rehab", "Time for your rehab routine")

    dunst.ctl("action")  # the default action of the newest notification

    qtbot.waitUntil(lambda: bool(events), timeout=WAIT_MS)
    qtbot.wait(300)  # nothing else follows
    assert events == [("start_requested", "rehab", _gui())]


@needs_dunst
@pytest.mark.parametrize(
    ("label", "signal"),
    [(START_NOW, "start_requested"), (SNOOZE, "snooze_requested"), (SKIP_TODAY, "skip_requested")],
)
def test_each_button_says_what_was_chosen(
    dunst: Dunst, notices: DesktopNotices, qtbot: QtBot, label: str, signal: str
) -> None:
    events = _record(notices)
    _show(qtbot, dunst, notices, "walk", "Time for a movement break")

    dunst.choose(label)

    qtbot.waitUntil(lambda: bool(events), timeout=WAIT_MS)
    qtbot.wait(300)
    assert events == [(signal, "walk", _gui())]
    assert f"#{label} (Time for a movement break)" in dunst.menu()


@needs_dunst
def test_closing_the_notification_is_dismissing_it(
    dunst: Dunst, notices: DesktopNotices, qtbot: QtBot
) -> None:
    events = _record(notices)
    _show(qtbot, dunst, notices, "rehab", "Time for your rehab routine")

    dunst.ctl("close")

    qtbot.waitUntil(lambda: bool(events), timeout=WAIT_MS)
    qtbot.wait(300)
    assert events == [("dismissed", "rehab", _gui())]
    assert dunst.displayed() == 0


@needs_dunst
def test_a_new_notification_replaces_the_one_of_its_key_and_withdraw_takes_it_back(
    dunst: Dunst, notices: DesktopNotices, qtbot: QtBot
) -> None:
    events = _record(notices)
    _show(qtbot, dunst, notices, "rehab", "First reminder")
    _show(qtbot, dunst, notices, "rehab", "Second reminder")
    qtbot.waitUntil(lambda: dunst.displayed() == 1, timeout=WAIT_MS)
    assert dunst.history() == ["First reminder"]  # closed by us, not shown any more

    _show(qtbot, dunst, notices, "walk", "Movement break")
    qtbot.waitUntil(lambda: dunst.displayed() == 2, timeout=WAIT_MS)
    notices.withdraw("rehab")
    qtbot.waitUntil(lambda: dunst.displayed() == 1, timeout=WAIT_MS)
    assert dunst.history() == ["Second reminder", "First reminder"]

    dunst.ctl("action")  # on what is left: the movement break

    qtbot.waitUntil(lambda: bool(events), timeout=WAIT_MS)
    qtbot.wait(300)
    assert events == [("start_requested", "walk", _gui())]


@needs_dunst
def test_close_withdraws_what_is_shown_and_ends_the_thread(
    dunst: Dunst, notices: DesktopNotices, qtbot: QtBot
) -> None:
    events = _record(notices)
    _show(qtbot, dunst, notices, "rehab", "Time for your rehab routine")
    assert notices.thread_alive
    assert len(_desktop_notice_threads()) == 1

    notices.close()

    assert not notices.thread_alive
    assert _desktop_notice_threads() == []
    qtbot.waitUntil(lambda: dunst.displayed() == 0, timeout=WAIT_MS)
    assert dunst.history() == ["Time for your rehab routine"]

    notices.notify("rehab", "After close", "Nothing is shown.")  # quietly nothing
    notices.withdraw("rehab")
    notices.close()  # twice is fine
    qtbot.wait(500)
    assert dunst.displayed() == 0
    assert len(dunst.shown()) == 1
    assert events == []
    assert _desktop_notice_threads() == []


def test_close_before_any_notice_starts_no_thread(qtbot: QtBot) -> None:
    notices = DesktopNotices()
    notices.close()
    assert not notices.thread_alive
    assert _desktop_notice_threads() == []


def test_without_a_notification_server_unavailable_is_said_once(
    start_bus: Callable[[str], str],
    monkeypatch: pytest.MonkeyPatch,
    notices: DesktopNotices,
    qtbot: QtBot,
) -> None:
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", start_bus("empty-bus"))
    events = _record(notices)

    notices.notify("rehab", "Time for your rehab routine", "Ten minutes, lying down.")

    qtbot.waitUntil(lambda: bool(events), timeout=WAIT_MS)
    [(name, reason, thread)] = events
    assert (name, thread) == ("unavailable", _gui())
    assert reason.startswith("no desktop notification server answers")
    assert NOTIFICATIONS in reason  # the bus's own words: no program has the name
    assert "\n" not in reason

    notices.notify("walk", "Movement break", "Stand up.")  # no second report, no raise
    notices.withdraw("rehab")
    qtbot.wait(500)
    assert len(events) == 1

    notices.close()
    assert _desktop_notice_threads() == []


@pytest.mark.parametrize("bus", ["missing socket", "no address"])
def test_without_a_session_bus_unavailable_is_said(
    bus: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    notices: DesktopNotices,
    qtbot: QtBot,
) -> None:
    if bus == "missing socket":
        monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", f"unix:path={tmp_path / 'no-bus'}")
    else:
        monkeypatch.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
        monkeypatch.delenv("DISPLAY", raising=False)  # else dbus-fast looks for X11's bus
    events = _record(notices)

    notices.notify("rehab", "Time for your rehab routine", "Ten minutes, lying down.")

    qtbot.waitUntil(lambda: bool(events), timeout=WAIT_MS)
    [(name, reason, _thread)] = events
    assert name == "unavailable"
    assert "cannot reach the D-Bus session bus" in reason
    assert "\n" not in reason


@needs_dunst
def test_notification_server_available(
    dunst: Dunst, start_bus: Callable[[str], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    assert notification_server_available(timeout_s=WAIT_MS / 1000)
    assert dunst.shown() == []  # asking shows nothing

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", start_bus("empty-bus"))
    started = time.monotonic()
    assert not notification_server_available(timeout_s=WAIT_MS / 1000)
    assert time.monotonic() - started < 5  # the bus says "no such name" at once

    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/bus")
    assert not notification_server_available()


# -- in the app: a reminder due now, and its Start now through the daemon --------------------


@needs_dunst
def test_start_now_in_the_notification_opens_the_routines_prestart_in_the_running_app(
    dunst: Dunst, qtbot: QtBot
) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from PySide6.QtWidgets import QDialog

    from routineplayer.core.reminder_store import Reminders
    from routineplayer.core.reminders import rehab_schedule
    from routineplayer.gui.dialogs import PrestartDialog
    from routineplayer.gui.keep_awake import KeepAwake
    from routineplayer.gui.main_window import MainWindow
    from routineplayer.gui.reminding import Reminding
    from routineplayer.runtime.reminder_service import ReminderService

    zone = ZoneInfo("Europe/Madrid")
    now = [datetime(2026, 6, 10, 7, 0, tzinfo=zone).astimezone(UTC)]
    asked: list[QDialog] = []

    def ask(dialog: QDialog) -> bool:
        asked.append(dialog)
        return False  # the pre-start screen is shown; the test does not start the routine

    window = MainWindow(ask=ask, keep_awake=KeepAwake(), speech=False)
    qtbot.addWidget(window)
    service = ReminderService(
        window,
        now=lambda: now[0],
        zone=lambda: zone,
        load=lambda: Reminders((rehab_schedule("warm-up"),)),
    )
    reminding = window._reminding = Reminding(
        window, window.reminder_bar, service, zone=lambda: zone
    )
    service.start()
    window.hide()  # in the tray, or behind other windows: the notification is what is seen
    now[0] = datetime(2026, 6, 10, 8, 0, 30, tzinfo=zone).astimezone(UTC)
    service.check()

    qtbot.waitUntil(lambda: bool(dunst.shown()), timeout=WAIT_MS)
    [shown] = dunst.shown()
    assert shown["summary"] == "Time for Warm-up (08:00)."
    dunst.ctl("action")  # the person clicks the notification: Start now

    qtbot.waitUntil(lambda: any(isinstance(d, PrestartDialog) for d in asked), timeout=WAIT_MS)
    prestart = next(d for d in asked if isinstance(d, PrestartDialog))
    assert prestart.windowTitle() == "Before you start: Warm-up"
    assert window.isVisible(), "the window was brought back to show it"
    assert not window.reminder_bar.isVisible(), "answered in the notification: gone here too"
    reminding.close()
