"""requirements.lock covers everything pyproject.toml asks for, pinned and hashed.

A dependency added to pyproject.toml without `make lock` would otherwise install on no
fresh machine (bootstrap installs the lock with --no-deps), or, worse, only by hand.
"""

from __future__ import annotations

import importlib.util
import re
import tomllib
from pathlib import Path
from types import ModuleType

from packaging.requirements import Requirement

REPO = Path(__file__).resolve().parents[2]
LOCK = REPO / "requirements.lock"


def _compare_to_lock() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "compare_to_lock", REPO / "scripts/compare_to_lock.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _requirements() -> list[Requirement]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    wanted = list(project["dependencies"])
    for extra in project["optional-dependencies"].values():
        wanted += extra
    return [Requirement(text) for text in wanted]


def test_every_requirement_is_pinned_within_its_range() -> None:
    lock = _compare_to_lock()
    pins = lock.read_lock(LOCK)
    for requirement in _requirements():
        name = lock.canonical(requirement.name)
        assert name in pins, f"{requirement} is not in {LOCK.name}: run make lock"
        assert requirement.specifier.contains(pins[name], prereleases=True), (
            f"{LOCK.name} pins {name}=={pins[name]}, outside {requirement}: run make lock"
        )


def test_every_pin_has_a_hash() -> None:
    # A pin is `name==version \` followed by its `--hash=sha256:...` lines.
    entries = re.split(r"\n(?=[A-Za-z0-9])", LOCK.read_text())
    pinned = [entry for entry in entries if "==" in entry.split("\n", 1)[0]]
    assert len(pinned) >= 20, "the lock looks empty"
    for entry in pinned:
        assert re.search(r"--hash=sha256:[0-9a-f]{64}", entry), f"no hash: {entry.splitlines()[0]}"


def test_the_reader_finds_pins_the_way_uv_writes_them(tmp_path: Path) -> None:
    lock = _compare_to_lock()
    sample = tmp_path / "lock.txt"
    sample.write_text(
        "# comment\nPySide6_Essentials==6.11.3 \\\n    --hash=sha256:" + "a" * 64 + "\n"
        "jeepney==0.9.0 ; sys_platform == 'linux' \\\n    # via wakepy\n"
    )
    assert lock.read_lock(sample) == {"pyside6-essentials": "6.11.3", "jeepney": "0.9.0"}
