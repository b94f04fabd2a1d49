"""Voice, speed and volume of the spoken cues, with a sample to hear the choice.

The list of installed voices comes from the speech worker, which may be starting or busy
rendering: the dialog opens at once and fills the list when the answer comes.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QPushButton,
    QSlider,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.timeline import CueKind
from routineplayer.runtime.voice import Voice, VoiceList
from routineplayer.runtime.voice_list import OTHER_LANGUAGES, group_voices
from routineplayer.speech.cache import VoiceSettings
from routineplayer.speech.voice_settings_store import RATE_RANGE

SAMPLE_TEXT = "This is how your cues will sound. Breathe in, and grow tall through your back."


class VoiceSettingsDialog(QDialog):
    """OK applies and keeps the settings; "Try it" applies them and speaks a sample."""

    def __init__(self, voice: Voice, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.voice = voice
        self.setWindowTitle("Voice and volume")
        current = voice.player.settings

        self.voice_box = QComboBox()
        self.voice_box.setAccessibleName("Voice")
        known = voice.known_voices()
        if known is not None:
            self._fill_voices(known, current.voice)
        else:
            # Until the list comes, offer the voice in use (by its id), so that OK before
            # then keeps it rather than switching to the default.
            self._fill_voices([(current.voice, current.voice)] if current.voice else [], None)
            self.voice_box.setCurrentIndex(self.voice_box.count() - 1)
            voice.voices_ready.connect(self._on_voices_ready)
            voice.request_voices()

        self.rate = QSpinBox()
        self.rate.setAccessibleName("Speed in words per minute")
        self.rate.setRange(*RATE_RANGE)
        self.rate.setSingleStep(10)
        self.rate.setSuffix(" words a minute")
        self.rate.setValue(current.rate)

        self.volume = QSlider(Qt.Orientation.Horizontal)
        self.volume.setAccessibleName("Volume")
        self.volume.setRange(0, 100)
        self.volume.setValue(round(current.volume * 100))

        self.try_it = QPushButton("&Try it")
        self.try_it.setAccessibleName("Hear a sample with these settings")
        self.try_it.clicked.connect(self.play_sample)

        self.note = QLabel(voice.status)  # why speech is off, if it is
        self.note.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Voice", self.voice_box)
        form.addRow("&Speed", self.rate)
        form.addRow("V&olume", self.volume)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.addButton(self.try_it, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.note)
        layout.addWidget(buttons)
        self._original = current

    def _fill_voices(self, voices: VoiceList, select: str | None) -> None:
        """The list: "Default voice", the voices for the routines' language, then the others
        under a heading; ``select`` chosen if it is there."""
        box = self.voice_box
        box.clear()
        box.addItem("Default voice", None)
        first, others = group_voices(voices)
        for voice_id, name in first:
            box.addItem(name, voice_id)
        if others:
            if first:
                box.insertSeparator(box.count())
            box.addItem(OTHER_LANGUAGES, None)
            heading = box.model()
            assert isinstance(heading, QStandardItemModel)  # QComboBox's own model
            item = heading.item(box.count() - 1)
            assert item is not None
            item.setFlags(Qt.ItemFlag.NoItemFlags)  # a heading: shown, never chosen
            font = QFont(box.font())
            font.setBold(True)
            item.setFont(font)
        for voice_id, name in others:
            box.addItem(name, voice_id)
        box.setCurrentIndex(max(box.findData(select), 0))

    def voice_ids(self) -> list[str]:
        """The voices on offer, in the list's order (headings and "Default voice" left out)."""
        box = self.voice_box
        return [data for i in range(box.count()) if (data := box.itemData(i))]

    def _on_voices_ready(self, voices: VoiceList) -> None:
        self.voice.voices_ready.disconnect(self._on_voices_ready)
        if not voices:  # none found (the worker failed): keep the voice in use on offer
            return
        # Keep what the user picked meanwhile (or the voice in use, if they did not).
        self._fill_voices(voices, self.voice_box.currentData())

    def chosen(self) -> VoiceSettings:
        return VoiceSettings(
            self.voice_box.currentData(), self.rate.value(), self.volume.value() / 100
        )

    def play_sample(self) -> None:
        self.voice.apply_settings(self.chosen())
        self.voice.prepare_texts([SAMPLE_TEXT])
        player = self.voice.player
        self.voice.when_ready(
            [SAMPLE_TEXT], lambda: player.play(SAMPLE_TEXT, CueKind.ANNOUNCE.priority)
        )

    def accept(self) -> None:
        self.voice.apply_settings(self.chosen())
        super().accept()

    def reject(self) -> None:
        if self.voice.player.settings != self._original:  # "Try it" applied others
            self.voice.apply_settings(self._original)
        super().reject()
