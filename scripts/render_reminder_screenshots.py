"""Render the reminders into docs/screenshots/ (run by scripts/screenshots.sh):

- reminder.png: the window with a reminder due (the bar with its three answers);
- reminders.png: Settings → Reminders with the assessment's 3 a day and movement breaks.

The reminders run on a fixed clock (08:01 on a Wednesday) so the pictures never change.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtWidgets import QApplication

from routineplayer.core.reminder_store import Reminders
from routineplayer.core.reminders import movement_break_schedule, rehab_schedule
from routineplayer.gui.app import create_application
from routineplayer.gui.keep_awake import KeepAwake
from routineplayer.gui.reminders_dialog import RemindersDialog
from routineplayer.gui.reminding import Reminding
from routineplayer.runtime.reminder_service import ReminderService

ZONE = ZoneInfo("Europe/London")


def main(out: Path) -> int:
    app = create_application()
    from routineplayer.gui.main_window import MainWindow

    window = MainWindow(ask=lambda _dialog: True, keep_awake=KeepAwake(), speech=False)
    window.resize(1024, 720)
    window.show()
    now = [datetime(2026, 6, 10, 7, 0, tzinfo=ZONE).astimezone(UTC)]
    reminders = Reminders((rehab_schedule("warm-up"), movement_break_schedule("upper-back-slides")))
    service = ReminderService(
        window,
        now=lambda: now[0],
        zone=lambda: ZONE,
        load=lambda: reminders,
        save=lambda _r, _durable: None,
    )
    window._reminding = Reminding(
        window, window.reminder_bar, service, zone=lambda: ZONE, make_notices=None
    )
    service.start()
    now[0] = datetime(2026, 6, 10, 8, 1, tzinfo=ZONE).astimezone(UTC)
    service.check()
    QApplication.processEvents()
    out.mkdir(parents=True, exist_ok=True)
    ok = window.grab().save(str(out / "reminder.png"))
    dialog = RemindersDialog(service, window.library_view.cards(), window)
    dialog.show()
    QApplication.processEvents()
    ok = dialog.grab().save(str(out / "reminders.png")) and ok
    window.close()
    app.processEvents()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("docs/screenshots")))
