"""gui.ini is untrusted input too: whatever it holds, the window opens on the screen."""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QDataStream, QIODevice, QRect
from PySide6.QtWidgets import QApplication, QWidget
from pytestqt.qtbot import QtBot

from routineplayer.core.paths import user_config_dir
from routineplayer.gui.window_settings import GEOMETRY_KEY, gui_settings, restore_geometry


def geometry_blob(rect: QRect) -> QByteArray:
    """What QWidget.saveGeometry writes (format 3.0), with ``rect`` everywhere."""
    blob = QByteArray()
    stream = QDataStream(blob, QIODevice.OpenModeFlag.WriteOnly)
    stream.setVersion(QDataStream.Version.Qt_4_0)
    stream.writeUInt32(0x1D9D0CB)
    stream.writeUInt16(3)
    stream.writeUInt16(0)
    stream << rect << rect  # frame and normal geometry
    stream.writeInt32(0)  # screen
    stream.writeUInt8(0)  # maximized
    stream.writeUInt8(0)  # full screen
    stream.writeInt32(800)  # screen width
    stream << rect
    return blob


def test_a_hostile_geometry_is_refused_or_kept_on_the_screen(qtbot: QtBot) -> None:
    screen = QApplication.primaryScreen().availableGeometry()
    for value in (
        geometry_blob(QRect(-(2**30), -(2**30), 2**30, 2**30)),
        QByteArray(b"\x00" * 10),
        "text",
        5,
        ["a", "b"],
    ):
        settings = gui_settings()
        settings.setValue(GEOMETRY_KEY, value)
        settings.sync()
        window = QWidget()
        qtbot.addWidget(window)
        if restore_geometry(window):
            assert screen.contains(window.geometry()), value


def test_an_ini_file_that_is_not_one_restores_nothing(qtbot: QtBot) -> None:
    (user_config_dir() / "gui.ini").write_bytes(
        b"\xff\xfe\x00[window]\ngeometry=@ByteArray(\xff\xff)\n[x]\na=" + b"[" * 100_000 + b"\n"
    )
    window = QWidget()
    qtbot.addWidget(window)
    assert not restore_geometry(window)
