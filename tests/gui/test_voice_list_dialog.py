"""The voice list in Settings → Voice: English voices first, the rest under a heading."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QStandardItemModel
from pytestqt.qtbot import QtBot

from routineplayer.gui.voice_settings_dialog import VoiceSettingsDialog
from routineplayer.runtime.voice import Voice, VoiceList
from routineplayer.runtime.voice_list import OTHER_LANGUAGES

INSTALLED: VoiceList = [  # by name, as the speech worker lists them
    ("gmw/af", "Afrikaans"),
    ("sit/cmn", "Chinese (Mandarin, latin as English)"),
    ("gmw/en", "English (Great Britain)"),
    ("gmw/en-us", "English (America)"),
    ("roa/fr", "French (France)"),
]


def dialog_with(qtbot: QtBot, voice: Voice) -> VoiceSettingsDialog:
    voice.known_voices = lambda: INSTALLED  # type: ignore[method-assign]
    dialog = VoiceSettingsDialog(voice)
    qtbot.addWidget(dialog)
    return dialog


def test_english_voices_come_first_and_the_others_under_a_heading(qtbot: QtBot) -> None:
    voice = Voice()
    dialog = dialog_with(qtbot, voice)
    box = dialog.voice_box
    items = [(box.itemText(i), box.itemData(i)) for i in range(box.count())]
    assert items[0] == ("Default voice", None)
    texts = [text for text, _ in items]
    heading = texts.index(OTHER_LANGUAGES)
    assert [data for _, data in items[1:heading] if data] == ["gmw/en", "gmw/en-us"]
    assert [data for _, data in items[heading:] if data] == ["gmw/af", "sit/cmn", "roa/fr"]
    assert dialog.voice_ids() == ["gmw/en", "gmw/en-us", "gmw/af", "sit/cmn", "roa/fr"]
    voice.close()


def test_headings_cannot_be_chosen(qtbot: QtBot) -> None:
    voice = Voice()
    dialog = dialog_with(qtbot, voice)
    box = dialog.voice_box
    model = box.model()
    assert isinstance(model, QStandardItemModel)
    heading = box.findText(OTHER_LANGUAGES)
    item = model.item(heading)
    assert item is not None
    assert not item.flags() & Qt.ItemFlag.ItemIsSelectable
    assert not item.flags() & Qt.ItemFlag.ItemIsEnabled
    voice.close()
