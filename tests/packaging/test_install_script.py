"""install.sh (packaging/install-local.sh) installs a bundle into a prefix and removes it.

Run against a stand-in bundle (a shell script where the frozen executable would be) with the
real desktop files added by packaging/add-desktop-files.sh, as build.sh adds them; the real
bundle gets the same treatment in packaging/check-bundle.sh.
"""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from routineplayer import APP_ID

REPO = Path(__file__).resolve().parents[2]
PACKAGING = REPO / "packaging"


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    bundle = tmp_path / "unpacked" / "routineplayer"
    (bundle / "_internal").mkdir(parents=True)
    exe = bundle / "routineplayer"
    exe.write_text('#!/bin/sh\necho "stand-in routineplayer $*"\n', encoding="utf-8")
    exe.chmod(0o755)
    subprocess.run(["bash", str(PACKAGING / "add-desktop-files.sh"), str(bundle)], check=True)
    return bundle


def _install(bundle: Path, prefix: Path, *extra: str) -> str:
    result = subprocess.run(
        [str(bundle / "install.sh"), "--prefix", str(prefix), *extra],
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def _installed_files(prefix: Path) -> set[str]:
    return {
        str(p.relative_to(prefix))
        for p in prefix.rglob("*")
        if (p.is_file() or p.is_symlink()) and not p.name.endswith(".cache")
    }


def test_installs_menu_entry_icons_and_executable(
    bundle: Path, tmp_path: Path, require_command: Callable[[str, str], str]
) -> None:
    prefix = tmp_path / "home dir" / ".local"  # a space: the Exec line must be quoted
    _install(bundle, prefix)

    target = prefix / "lib" / "routineplayer"
    desktop = prefix / "share" / "applications" / f"{APP_ID}.desktop"
    text = desktop.read_text(encoding="utf-8")
    assert f'Exec="{target / "routineplayer"}"' in text.splitlines()
    assert f"TryExec={target / 'routineplayer'}" in text.splitlines()
    validate = require_command("desktop-file-validate", "desktop-file-utils")
    assert subprocess.run([validate, str(desktop)], check=False).returncode == 0

    for size in (48, 64, 128, 256):
        assert (prefix / f"share/icons/hicolor/{size}x{size}/apps/{APP_ID}.png").is_file()
    assert (prefix / f"share/icons/hicolor/scalable/apps/{APP_ID}.svg").is_file()
    assert (prefix / f"share/metainfo/{APP_ID}.metainfo.xml").is_file()

    run = subprocess.run(
        [str(prefix / "bin" / "routineplayer"), "list"], capture_output=True, text=True, check=True
    )
    assert run.stdout == "stand-in routineplayer list\n"


def test_reinstall_replaces_and_uninstall_removes_everything(bundle: Path, tmp_path: Path) -> None:
    prefix = tmp_path / "prefix"
    _install(bundle, prefix)
    first = _installed_files(prefix)
    (bundle / "_internal" / "new-in-this-version").write_text("x", encoding="utf-8")
    _install(bundle, prefix)
    assert _installed_files(prefix) == first | {"lib/routineplayer/_internal/new-in-this-version"}

    # Uninstalling with the installed copy's own script, as a user would.
    out = _install(prefix / "lib" / "routineplayer", prefix, "--uninstall")
    assert "Removed" in out
    assert _installed_files(prefix) == set()


def test_from_a_checkout_without_a_bundle_says_how_to_build_one(tmp_path: Path) -> None:
    checkout = tmp_path / "checkout"
    (checkout / "packaging").mkdir(parents=True)
    script = checkout / "packaging" / "install-local.sh"
    script.write_bytes((PACKAGING / "install-local.sh").read_bytes())
    script.chmod(0o755)
    result = subprocess.run(
        [str(script), "--prefix", str(tmp_path / "prefix")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 1
    assert "make package" in result.stderr
