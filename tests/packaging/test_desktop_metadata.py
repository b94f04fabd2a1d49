"""The Linux desktop metadata: valid, and naming the app by one id everywhere.

The id is routineplayer.APP_ID; the GUI passes it to QGuiApplication.setDesktopFileName,
so the desktop (Wayland's app_id, the window's menu entry and icon) finds the .desktop
file by it.
"""

from __future__ import annotations

import struct
import subprocess
import xml.etree.ElementTree as ET
from collections.abc import Callable
from configparser import ConfigParser
from pathlib import Path

import pytest

import routineplayer
from routineplayer import APP_ID

REPO = Path(__file__).resolve().parents[2]
DESKTOP = REPO / "packaging" / "linux" / f"{APP_ID}.desktop"
METAINFO = REPO / "packaging" / "linux" / f"{APP_ID}.metainfo.xml"
ICONS = REPO / "assets" / "icons" / "hicolor"
PNG_SIZES = (48, 64, 128, 256)


def _desktop_entry() -> dict[str, str]:
    parser = ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys are case-sensitive
    parser.read(DESKTOP, encoding="utf-8")
    return dict(parser["Desktop Entry"])


def _run(command: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, capture_output=True, text=True, check=False)


def test_desktop_file_validates(require_command: Callable[[str, str], str]) -> None:
    validate = require_command("desktop-file-validate", "desktop-file-utils")
    result = _run([validate, str(DESKTOP)])
    # desktop-file-validate prints hints and warnings with exit code 0: none are accepted.
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_metainfo_validates(require_command: Callable[[str, str], str]) -> None:
    appstreamcli = require_command("appstreamcli", "appstream")
    result = _run([appstreamcli, "validate", "--no-net", "--strict", str(METAINFO)])
    assert result.returncode == 0, result.stdout + result.stderr


def test_one_id_names_the_app_everywhere() -> None:
    entry = _desktop_entry()
    component = ET.parse(METAINFO).getroot()
    assert component.findtext("id") == APP_ID
    assert component.findtext("launchable[@type='desktop-id']") == DESKTOP.name
    assert entry["Icon"] == APP_ID
    assert entry["Exec"].split()[0] == routineplayer.APP_NAME
    assert entry["StartupWMClass"] == routineplayer.APP_NAME  # Qt's X11 WM_CLASS: the executable
    assert component.findtext("provides/binary") == routineplayer.APP_NAME


def test_latest_release_is_this_version() -> None:
    releases = ET.parse(METAINFO).getroot().findall("releases/release")
    assert releases, "the metainfo lists no release"
    assert releases[0].get("version") == routineplayer.__version__, (
        "add a <release> for the new version at the top of the metainfo's <releases>"
    )


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


@pytest.mark.parametrize("size", PNG_SIZES)
def test_png_icon_has_its_size(size: int) -> None:
    png = ICONS / f"{size}x{size}" / "apps" / f"{APP_ID}.png"
    assert png.is_file(), f"{png} is missing: run packaging/render-icons.sh"
    assert _png_size(png) == (size, size)


def test_svg_icon_is_square_svg() -> None:
    svg = ET.parse(ICONS / "scalable" / "apps" / f"{APP_ID}.svg").getroot()
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert svg.get("viewBox") == "0 0 128 128"
    # Drawn for the icon theme: no bitmaps or external files hidden inside the vector icon.
    assert not svg.findall(".//{http://www.w3.org/2000/svg}image")


def test_icons_are_only_the_app_icon() -> None:
    # Anything else in the hicolor tree would be installed into the user's icon theme too.
    names = {p.name for p in ICONS.rglob("*") if p.is_file()}
    assert names == {f"{APP_ID}.png", f"{APP_ID}.svg"}
