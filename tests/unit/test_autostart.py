"""Start with the desktop session: the XDG autostart entry, written and read back."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from routineplayer import APP_ID, APP_NAME
from routineplayer.runtime import autostart


@pytest.fixture(autouse=True)
def config_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    return home


def entry_keys(path: Path) -> dict[str, str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "[Desktop Entry]"
    keys: dict[str, str] = {}
    for line in lines[1:]:
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"not a key=value line: {line!r}"
            assert key not in keys, f"{key} twice"
            keys[key] = value
    return keys


RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def exec_arguments(value: str) -> list[str]:
    """What a desktop makes of an Exec value, per the Desktop Entry spec: the string escapes
    first; then arguments split at spaces, quoted in double quotes when they hold a reserved
    character (where a backslash escapes only " ` $ and itself); then %% back to %."""
    text, i = "", 0
    while i < len(value):  # the escapes of any string value
        if value[i] == "\\":
            text += {"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}[value[i + 1]]
            i += 2
        else:
            text += value[i]
            i += 1
    arguments, i = [], 0
    while i < len(text):
        if text[i] == " ":
            i += 1
            continue
        argument = ""
        if text[i] == '"':
            i += 1
            while text[i] != '"':
                if text[i] == "\\":
                    assert text[i + 1] in '"`$\\', f"a stray backslash in {value!r}"
                    i += 1
                argument += text[i]
                i += 1
            i += 1
            assert i == len(text) or text[i] == " ", f"text after a quote in {value!r}"
        else:
            while i < len(text) and text[i] != " ":
                assert text[i] not in RESERVED, f"{text[i]!r} unquoted in {value!r}"
                argument += text[i]
                i += 1
        assert "%" not in argument.replace("%%", ""), f"a lone % (a field code) in {value!r}"
        arguments.append(argument.replace("%%", "%"))
    return arguments


def test_the_entry_is_in_the_autostart_folder_named_for_the_app(config_home: Path) -> None:
    assert autostart.autostart_path() == config_home / "autostart" / f"{APP_ID}.desktop"


def test_without_xdg_config_home_it_is_under_dot_config(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    for value in (None, "", "relative/config"):
        if value is None:
            monkeypatch.delenv("XDG_CONFIG_HOME")
        else:
            monkeypatch.setenv("XDG_CONFIG_HOME", value)
        expected = tmp_path / "home" / ".config" / "autostart" / f"{APP_ID}.desktop"
        assert autostart.autostart_path() == expected


def test_enable_writes_an_entry_that_starts_the_app_hidden() -> None:
    assert not autostart.is_enabled()
    path = autostart.enable(["/opt/routineplayer/routineplayer"])
    assert path == autostart.autostart_path()
    keys = entry_keys(path)
    assert keys["Type"] == "Application"
    assert keys["Name"] == APP_NAME
    assert keys["Icon"] == APP_ID
    assert keys["Comment"]
    assert keys["X-GNOME-Autostart-enabled"] == "true"
    assert keys["Exec"] == "/opt/routineplayer/routineplayer --background"
    assert stat.S_IMODE(path.stat().st_mode) == 0o644
    assert autostart.is_enabled()


def test_a_path_with_a_space_is_quoted() -> None:
    command = ["/home/ann/My Apps/routineplayer", "-m", "routineplayer"]
    keys = entry_keys(autostart.enable(command))
    assert keys["Exec"] == '"/home/ann/My Apps/routineplayer" -m routineplayer --background'
    assert exec_arguments(keys["Exec"]) == [*command, "--background"]


@pytest.mark.parametrize(
    "program",
    [
        '/tmp/a "quoted" $HOME `x` dir/routineplayer',
        "/tmp/back\\slash/routineplayer",
        "/tmp/100%/routineplayer",
        "/tmp/tab\there/it's;(all)&~|<>*?#",
    ],
)
def test_any_path_reads_back_as_written(program: str) -> None:
    keys = entry_keys(autostart.enable([program]))
    assert exec_arguments(keys["Exec"]) == [program, "--background"]
    assert keys["Exec"].endswith(" --background")


def test_the_entry_validates(require_command: Callable[[str, str], str]) -> None:
    validate = require_command("desktop-file-validate", "desktop-file-utils")
    path = autostart.enable(["/home/ann/My Apps/back\\slash/routineplayer", "100%"])
    done = subprocess.run([validate, str(path)], capture_output=True, text=True, check=False)
    # It prints hints and warnings with exit code 0: none are accepted.
    assert (done.returncode, done.stdout + done.stderr) == (0, "")


def test_background_is_not_added_twice() -> None:
    keys = entry_keys(autostart.enable(["routineplayer", "--background"]))
    assert keys["Exec"] == "routineplayer --background"


def test_enable_again_replaces_the_entry() -> None:
    autostart.enable(["/old/routineplayer"])
    path = autostart.enable(["/new/routineplayer"])
    assert entry_keys(path)["Exec"] == "/new/routineplayer --background"
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary left


def test_disable_removes_the_entry() -> None:
    path = autostart.enable(autostart.default_command())
    assert autostart.disable() is True
    assert not path.exists()
    assert not autostart.is_enabled()


def test_disable_when_there_is_none_says_so() -> None:
    assert autostart.disable() is False
    autostart.autostart_path().parent.mkdir(parents=True)
    assert autostart.disable() is False


def test_an_entry_switched_off_by_the_desktop_is_not_enabled() -> None:
    path = autostart.enable(["routineplayer"])
    text = path.read_text(encoding="utf-8")
    path.write_text(
        text.replace("X-GNOME-Autostart-enabled=true", "X-GNOME-Autostart-enabled=false")
    )
    assert not autostart.is_enabled()
    path.write_text(text + "Hidden=true\n")
    assert not autostart.is_enabled()
    path.write_text(text)
    assert autostart.is_enabled()


def test_an_empty_command_is_refused() -> None:
    with pytest.raises(ValueError):
        autostart.enable([])
    assert not autostart.autostart_path().exists()


def test_the_default_command_runs_this_installation() -> None:
    command = autostart.default_command()
    beside = Path(sys.executable).parent / "routineplayer"
    if beside.is_file() and os.access(beside, os.X_OK):
        assert command == [str(beside)]
    else:
        assert command == [sys.executable, "-m", "routineplayer"]


def test_the_default_command_falls_back_to_python(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    python = tmp_path / "bin" / "python3"
    python.parent.mkdir()
    monkeypatch.setattr(sys, "executable", str(python))
    assert autostart.default_command() == [str(python), "-m", "routineplayer"]
    script = python.parent / "routineplayer"
    script.write_text("#!/bin/sh\n")
    script.chmod(0o755)
    assert autostart.default_command() == [str(script)]
