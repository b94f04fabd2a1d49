"""The machine's time zone as a zone with its daylight-saving rules, read afresh each call.

``datetime.now().astimezone().tzinfo`` is a fixed offset: a reminder at 08:00 worked out with
it on a day in winter would fall at 09:00 in summer. The rules come from $TZ, or from what
/etc/localtime is (a link into the zoneinfo database, or a copy of one of its files). Read
at every check, so a zone changed by the person (travel) moves reminders at the next check.
"""

from __future__ import annotations

import os
from datetime import datetime, tzinfo
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

LOCALTIME = Path("/etc/localtime")


def local_zone(tz_env: str | None = None, localtime: Path = LOCALTIME) -> tzinfo:
    """The local zone: ``tz_env`` (default $TZ), else /etc/localtime, else a fixed offset."""
    name = os.environ.get("TZ") if tz_env is None else tz_env
    if name:
        zone = _named(name.removeprefix(":"))
        if zone is not None:
            return zone
    try:
        target = localtime.resolve(strict=True)
    except OSError:
        target = None
    if target is not None:
        parts = target.parts
        if "zoneinfo" in parts:
            zone = _named("/".join(parts[parts.index("zoneinfo") + 1 :]))
            if zone is not None:
                return zone
        try:
            with target.open("rb") as file:
                return ZoneInfo.from_file(file, key="localtime")
        except (OSError, ValueError):
            pass
    fallback = datetime.now().astimezone().tzinfo
    assert fallback is not None  # astimezone() always sets one
    return fallback


def _named(name: str) -> ZoneInfo | None:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        return None
