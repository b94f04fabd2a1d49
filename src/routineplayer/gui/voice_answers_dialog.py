"""Settings → Spoken answers: turn answering by voice on or off, choose the microphone, see
its level and try it ("Say yes"). Issue: hands-free answers.

Spoken answers are off by default. The microphone runs only while this dialog is open (for
the level meter and the test) and is closed whatever way the dialog ends; OK keeps the
choice (speech.voice_answer_settings). With no microphone, or one that fails, the dialog
says so in one line: the setting can still be changed, only the test cannot run.

Screen readers: every control has a name and Tab reaches each, the level meter included.
The test's start is shown, never announced: a screen reader saying "say yes" aloud would be
heard by the microphone and answer the test itself. Its result is announced once listening
has stopped.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

from PySide6.QtCore import Qt, QTimer, Signal, SignalInstance
from PySide6.QtGui import QShowEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from routineplayer.core.voice_answers import Kind, Moment
from routineplayer.gui.announce import announce
from routineplayer.speech.voice_answer_settings import (
    VoiceAnswerSettings,
    load_voice_answer_settings,
    save_voice_answer_settings,
)

LEVEL_RANGE = (-60, 0)  # dBFS shown by the meter; quieter reads as its bottom
TEST_SECONDS = 6.0
SYSTEM_DEFAULT = "System default"
PRIVACY = "Recognition runs on this computer. Nothing is sent anywhere and no audio is kept."
KEYS_ONLY = "answers by keys only."
NO_MICROPHONE = f"No microphone found: {KEYS_ONLY} Connect one to test it."
HEARD_NOTHING = "Heard nothing: move closer or check the device"
NOT_AN_ANSWER = "Heard something, but not an answer"


class InputDeviceLike(Protocol):
    """runtime.microphone.InputDevice, as far as the dialog needs it."""

    @property
    def id(self) -> bytes: ...
    @property
    def description(self) -> str: ...
    @property
    def is_default(self) -> bool: ...


class MicrophoneLike(Protocol):
    """runtime.microphone.Microphone, as far as the dialog needs it."""

    @property
    def level(self) -> SignalInstance: ...  # float: dBFS of each chunk
    @property
    def failed(self) -> SignalInstance: ...  # str: one line for the person
    def start(self) -> bool: ...
    def stop(self) -> None: ...
    def deleteLater(self) -> None: ...


class ListenerLike(Protocol):
    """runtime.voice_listener.VoiceListener, as far as the dialog needs it."""

    @property
    def heard(self) -> SignalInstance: ...  # speech.recogniser.Heard
    @property
    def failed(self) -> SignalInstance: ...  # str
    def listen(self, moment: Moment | None) -> None: ...
    def close(self) -> None: ...


ListDevices = Callable[[], Sequence[InputDeviceLike]]
MakeMicrophone = Callable[[bytes | None], MicrophoneLike]
MakeListener = Callable[[MicrophoneLike], ListenerLike]


def _input_devices() -> Sequence[InputDeviceLike]:
    from routineplayer.runtime.microphone import input_devices

    return input_devices()


def _microphone(device_id: bytes | None) -> MicrophoneLike:
    from routineplayer.runtime.microphone import Microphone

    return Microphone(device_id)


def _listener(microphone: MicrophoneLike) -> ListenerLike:
    from routineplayer.runtime.microphone import Microphone
    from routineplayer.runtime.voice_listener import VoiceListener

    assert isinstance(microphone, Microphone)  # the real listener needs the real microphone
    return VoiceListener(microphone)


def heard_words(heard: object | None) -> str:
    """The test's result line for what the listener heard (None: nothing in time)."""
    if heard is None:
        return HEARD_NOTHING
    answer = getattr(heard, "answer", None)
    kind = getattr(answer, "kind", None)
    if kind is Kind.YES:
        return "Heard: yes"
    if kind is Kind.NO:
        return "Heard: no"
    return NOT_AN_ANSWER


class VoiceAnswersDialog(QDialog):
    """OK keeps the choice (and emits ``saved``); Cancel leaves it as it was."""

    saved = Signal(object)  # the VoiceAnswerSettings kept

    def __init__(
        self,
        parent: QWidget | None = None,
        *,
        settings: VoiceAnswerSettings | None = None,
        devices: ListDevices = _input_devices,
        make_microphone: MakeMicrophone = _microphone,
        make_listener: MakeListener = _listener,
        test_seconds: float = TEST_SECONDS,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Spoken answers")
        current = settings if settings is not None else load_voice_answer_settings()
        self._make_microphone = make_microphone
        self._make_listener = make_listener
        self._microphone: MicrophoneLike | None = None
        self._listener: ListenerLike | None = None
        self._testing = False
        self._opened = False
        self._test_timer = QTimer(self)
        self._test_timer.setSingleShot(True)
        self._test_timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._test_timer.setInterval(round(test_seconds * 1000))
        self._test_timer.timeout.connect(lambda: self._end_test(None))

        intro = QLabel(
            "Answer the belly check (yes or no) and the pain question (zero to ten, or skip), "
            "and say pause, carry on, next or stop while a routine plays."
        )
        intro.setWordWrap(True)
        self.enabled = QCheckBox("&Answer by voice (offline; no audio is kept)")
        self.enabled.setAccessibleName("Answer by voice")
        self.enabled.setAccessibleDescription("Offline; no audio is kept")
        self.enabled.setChecked(current.enabled)

        self.device = QComboBox()
        self.device.setAccessibleName("Microphone")
        try:
            self._devices = list(devices())
        except ImportError as exc:  # QtMultimedia missing from this install
            self._devices = []
            self._missing = f"Microphone support is missing here ({exc}): {KEYS_ONLY}"
        else:
            self._missing = ""
        self._fill_devices(current.device)

        self.meter = QProgressBar()
        self.meter.setRange(*LEVEL_RANGE)
        self.meter.setValue(LEVEL_RANGE[0])
        self.meter.setFormat("%v dB")
        self.meter.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.meter.setAccessibleName("Microphone level")
        self.meter.setAccessibleDescription(
            "How loudly the microphone hears you, from -60 decibels (silent) to 0 (loudest)"
        )
        self.meter.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # a screen reader can reach it

        self.test = QPushButton("Say &yes")
        self.test.setAccessibleName("Say yes: test the microphone")
        self.test.setAccessibleDescription(
            f"Listens for up to {test_seconds:g} seconds: say yes, and see what was heard"
        )
        self.test.setAutoDefault(False)  # Enter is OK, not the test
        self.test.clicked.connect(self.start_test)
        self.test_result = QLabel()
        self.test_result.setAccessibleName("Test result")
        self.test_result.setWordWrap(True)

        self.problem = QLabel()  # no microphone, or it failed: one line
        self.problem.setAccessibleName("Microphone problem")
        self.problem.setWordWrap(True)
        self.problem.hide()
        privacy = QLabel(PRIVACY)
        privacy.setWordWrap(True)

        form = QFormLayout()
        form.addRow("&Microphone:", self.device)
        form.addRow("&Level:", self.meter)
        test_row = QHBoxLayout()
        test_row.addWidget(self.test)
        test_row.addWidget(self.test_result, 1)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        self.ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.ok.setAccessibleName("OK")
        self.cancel = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        self.cancel.setAccessibleName("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        column = QVBoxLayout(self)
        column.addWidget(intro)
        column.addWidget(self.enabled)
        column.addLayout(form)
        column.addLayout(test_row)
        column.addWidget(self.problem)
        column.addWidget(privacy)
        column.addWidget(buttons)
        for before, after in zip(self.controls(), self.controls()[1:], strict=False):
            QWidget.setTabOrder(before, after)
        self.device.currentIndexChanged.connect(lambda _index: self._open_microphone())
        self.test.setEnabled(False)  # until the microphone is open
        self.resize(520, self.sizeHint().height())

    def controls(self) -> list[QWidget]:
        """Every control, in Tab order."""
        return [self.enabled, self.device, self.meter, self.test, self.ok, self.cancel]

    # -- the choice -----------------------------------------------------------------------------

    def _fill_devices(self, select: str) -> None:
        box = self.device
        box.addItem(SYSTEM_DEFAULT, "")
        for device in self._devices:
            if box.findData(device.description) < 0:  # the setting keeps a description
                box.addItem(device.description, device.description)
        index = box.findData(select)
        if index < 0 and select:  # chosen before, unplugged now: kept unless changed
            box.addItem(f"{select} (not connected)", select)
            index = box.count() - 1
        box.setCurrentIndex(max(index, 0))

    def chosen(self) -> VoiceAnswerSettings:
        return VoiceAnswerSettings(self.enabled.isChecked(), str(self.device.currentData() or ""))

    def accept(self) -> None:
        chosen = self.chosen()
        try:
            save_voice_answer_settings(chosen)
        except OSError as exc:
            self._show_problem(f"Could not keep the setting: {exc}")
            return
        self.saved.emit(chosen)
        super().accept()

    def done(self, result: int) -> None:
        self._opened = False  # shown again, it opens the microphone again
        self.close_microphone()
        super().done(result)

    # -- the microphone -------------------------------------------------------------------------

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if not self._opened:  # opened with the dialog, closed with it (done)
            self._opened = True
            self._open_microphone()

    def _device_id(self) -> bytes | None:
        """The chosen device's id: None for the system default; ValueError if not there."""
        description = self.device.currentData()
        if not description:
            return None
        for device in self._devices:
            if device.description == description:
                return device.id
        raise ValueError(f"“{description}” is not connected: choose another microphone.")

    def _open_microphone(self) -> None:
        if not self._opened:
            return
        self.close_microphone()
        self.test_result.clear()
        self._show_problem("")
        if not self._devices:
            self._show_problem(self._missing or NO_MICROPHONE)
            return
        try:
            device_id = self._device_id()
        except ValueError as exc:
            self._show_problem(str(exc))
            return
        microphone = self._make_microphone(device_id)
        self._microphone = microphone
        microphone.level.connect(self._show_level)
        microphone.failed.connect(self._microphone_failed)
        if not microphone.start():
            if self.problem.isHidden():  # failed said nothing (yet): say something
                self._microphone_failed(f"The microphone could not be opened: {KEYS_ONLY}")
            return
        # Made now rather than at the first test: the recogniser takes up to a second to
        # load (on the listener's thread), and a failure to load is best said at once.
        try:
            listener = self._make_listener(microphone)
        except (ImportError, OSError, RuntimeError) as exc:  # pocketsphinx, its model
            self._show_problem(f"Speech recognition is not available here ({exc}).")
            return
        listener.heard.connect(self._on_heard)
        listener.failed.connect(self._listener_failed)
        self._listener = listener
        self.test.setEnabled(self.problem.isHidden())

    def close_microphone(self) -> None:
        """Stop the test, the listener and the microphone (safe to call again)."""
        self._test_timer.stop()
        self._testing = False
        listener, self._listener = self._listener, None
        if listener is not None:
            listener.close()
        microphone, self._microphone = self._microphone, None
        if microphone is not None:
            microphone.level.disconnect(self._show_level)
            microphone.failed.disconnect(self._microphone_failed)
            microphone.stop()
            microphone.deleteLater()
        self.meter.setValue(LEVEL_RANGE[0])
        self.test.setEnabled(False)

    @property
    def microphone(self) -> MicrophoneLike | None:
        """The open microphone (None while the dialog is closed, or without one)."""
        return self._microphone

    def _show_level(self, dbfs: float) -> None:
        low, high = LEVEL_RANGE
        self.meter.setValue(round(min(max(dbfs, low), high)))

    def _microphone_failed(self, line: str) -> None:
        self._show_problem(line or f"The microphone stopped: {KEYS_ONLY}")
        if self._testing:
            self._end_test(None, say=False)
        self.test.setEnabled(False)
        self.meter.setValue(LEVEL_RANGE[0])

    def _show_problem(self, line: str) -> None:
        if line and line == self.problem.text() and not self.problem.isHidden():
            return  # the listener passes the microphone's failure on: said once
        self.problem.setText(line)
        self.problem.setVisible(bool(line))
        if line:
            announce(self.problem, line)

    # -- "Say yes" ------------------------------------------------------------------------------

    def start_test(self) -> None:
        """Listen for the belly check's yes or no, for up to ``test_seconds``."""
        if self._listener is None or not self.test.isEnabled():
            return
        self._testing = True
        self.test_result.setText("Listening: say yes now")  # shown, not announced (see above)
        self._listener.listen(Moment.CHECK)
        self._test_timer.start()

    @property
    def testing(self) -> bool:
        return self._testing

    def _on_heard(self, heard: object) -> None:
        if self._testing:
            self._end_test(heard)

    def _listener_failed(self, line: str) -> None:
        if self._testing:
            self._end_test(None, say=False)
        self._show_problem(line or f"Speech recognition stopped: {KEYS_ONLY}")
        self.test.setEnabled(False)

    def _end_test(self, heard: object | None, *, say: bool = True) -> None:
        self._test_timer.stop()
        self._testing = False
        if self._listener is not None:
            self._listener.listen(None)
        text = heard_words(heard) if say else ""
        self.test_result.setText(text)
        if text:
            announce(self.test_result, text)
