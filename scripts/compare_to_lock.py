"""Print how the running environment differs from requirements.lock (`make test-latest`).

Usage: python scripts/compare_to_lock.py requirements.lock
One line per package whose installed version is not the locked one, so a failure in the
latest-versions run can be traced to the release that caused it. Always exits 0: it reports.
"""

from __future__ import annotations

import re
import sys
from importlib import metadata
from pathlib import Path

# `name==version \` (uv and pip-tools both write pins this way); markers may follow `;`.
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def canonical(name: str) -> str:
    """PEP 503 normalised name: PySide6_Essentials and pyside6-essentials are one package."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_lock(path: Path) -> dict[str, str]:
    """The lock's pins, by canonical name."""
    pins: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = PIN.match(line)
        if match:
            pins[canonical(match.group(1))] = match.group(2)
    return pins


def main(argv: list[str]) -> int:
    pins = read_lock(Path(argv[0]) if argv else Path("requirements.lock"))
    installed = {canonical(d.metadata["Name"]): d.version for d in metadata.distributions()}
    changed = [
        f"  {name}: lock {pins[name]} -> installed {installed[name]}"
        for name in sorted(pins.keys() & installed.keys())
        if pins[name] != installed[name]
    ]
    print(f"latest versions: {len(changed)} of {len(pins)} locked packages differ from the lock")
    print("\n".join(changed) if changed else "  (none: the lock is up to date)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
