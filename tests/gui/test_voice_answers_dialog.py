"""Settings → Spoken answers: off by default, OK keeps the choice, the microphone runs only
while the dialog is open, the "Say yes" test reports what was heard, and every control is
named and reached by Tab.

The microphone and the listener are fakes here (the dialog's logic and look); the real
capture and recognition path is tested end to end with a virtual microphone elsewhere.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMenu, QWidget
from pytestqt.qtbot import QtBot

from routineplayer.core.voice_answers import Kind, Moment, VoiceAnswer
from routineplayer.gui.main_window import MainWindow
from routineplayer.gui.voice_answers_dialog import (
    HEARD_NOTHING,
    NOT_AN_ANSWER,
    PRIVACY,
    SYSTEM_DEFAULT,
    VoiceAnswersDialog,
)
from routineplayer.speech.voice_answer_settings import (
    VoiceAnswerSettings,
    load_voice_answer_settings,
    save_voice_answer_settings,
)


@dataclass(frozen=True)
class FakeDevice:
    id: bytes
    description: str
    is_default: bool = False


DEVICES = [
    FakeDevice(b"alsa_input.pci", "Built-in Audio Analog Stereo", True),
    FakeDevice(b"alsa_input.usb", "USB headset"),
]


class FakeMicrophone(QObject):
    audio = Signal(bytes)
    level = Signal(float)
    failed = Signal(str)

    def __init__(self, device_id: bytes | None, fail: str = "") -> None:
        super().__init__()
        self.device_id = device_id
        self.fail = fail
        self.active = False

    def start(self) -> bool:
        if self.fail:
            self.failed.emit(self.fail)
            return False
        self.active = True
        return True

    def stop(self) -> None:
        self.active = False


class FakeListener(QObject):
    heard = Signal(object)
    listening_changed = Signal(bool)
    failed = Signal(str)

    def __init__(self, microphone: FakeMicrophone) -> None:
        super().__init__()
        self.microphone = microphone
        self.moments: list[Moment | None] = []
        self.closed = False

    def listen(self, moment: Moment | None) -> None:
        self.moments.append(moment)

    def mute(self, muted: bool) -> None:
        pass

    def close(self) -> None:
        self.closed = True


@dataclass(frozen=True)
class FakeHeard:  # speech.recogniser.Heard, as far as the dialog reads it
    answer: VoiceAnswer | None
    text: str = ""
    confidence: float = 1.0


class Rig:
    """A dialog with fake devices, microphones and listeners, and what became of them."""

    def __init__(self, qtbot: QtBot) -> None:
        self.qtbot = qtbot
        self.devices: list[FakeDevice] = list(DEVICES)
        self.microphones: list[FakeMicrophone] = []
        self.listeners: list[FakeListener] = []
        self.fail = ""

    def microphone(self, device_id: bytes | None) -> FakeMicrophone:
        mic = FakeMicrophone(device_id, self.fail)
        self.microphones.append(mic)
        return mic

    def listener(self, microphone: object) -> FakeListener:
        assert isinstance(microphone, FakeMicrophone)
        listener = FakeListener(microphone)
        self.listeners.append(listener)
        return listener

    def dialog(self, *, show: bool = True, test_seconds: float = 6.0) -> VoiceAnswersDialog:
        dialog = VoiceAnswersDialog(
            devices=lambda: self.devices,
            make_microphone=self.microphone,
            make_listener=self.listener,
            test_seconds=test_seconds,
        )
        self.qtbot.addWidget(dialog)
        if show:
            dialog.show()
            self.qtbot.waitExposed(dialog)
        return dialog


@pytest.fixture
def rig(qtbot: QtBot) -> Iterator[Rig]:
    yield Rig(qtbot)


def test_off_by_default_with_the_system_default_microphone(rig: Rig) -> None:
    dialog = rig.dialog()
    assert dialog.windowTitle() == "Spoken answers"
    assert not dialog.enabled.isChecked()
    assert dialog.enabled.text() == "&Answer by voice (offline; no audio is kept)"
    assert dialog.device.itemText(0) == SYSTEM_DEFAULT
    assert [dialog.device.itemText(i) for i in range(1, dialog.device.count())] == [
        d.description for d in DEVICES
    ]
    assert dialog.chosen() == VoiceAnswerSettings()
    assert any(label.text() == PRIVACY for label in dialog.findChildren(type(dialog.test_result)))
    assert dialog.problem.isHidden()
    assert dialog.test.isEnabled()


def test_ok_keeps_on_and_the_chosen_device(rig: Rig, qtbot: QtBot) -> None:
    dialog = rig.dialog()
    dialog.enabled.setChecked(True)
    dialog.device.setCurrentIndex(dialog.device.findText("USB headset"))
    with qtbot.waitSignal(dialog.saved) as saved:
        QTest.mouseClick(dialog.ok, Qt.MouseButton.LeftButton)
    expected = VoiceAnswerSettings(True, "USB headset")
    assert saved.args == [expected]
    assert load_voice_answer_settings() == expected
    assert dialog.result() == dialog.DialogCode.Accepted

    again = rig.dialog()  # opened again: the choice is there
    assert again.enabled.isChecked() and again.device.currentText() == "USB headset"
    assert rig.microphones[-1].device_id == b"alsa_input.usb"


def test_cancel_keeps_nothing(rig: Rig) -> None:
    save_voice_answer_settings(VoiceAnswerSettings(False, "Built-in Audio Analog Stereo"))
    dialog = rig.dialog()
    assert dialog.device.currentText() == "Built-in Audio Analog Stereo"
    dialog.enabled.setChecked(True)
    dialog.reject()
    assert load_voice_answer_settings() == VoiceAnswerSettings(
        False, "Built-in Audio Analog Stereo"
    )


def test_an_unplugged_device_stays_chosen_until_changed(rig: Rig) -> None:
    save_voice_answer_settings(VoiceAnswerSettings(True, "Old webcam"))
    dialog = rig.dialog()
    assert dialog.device.currentText() == "Old webcam (not connected)"
    assert dialog.chosen() == VoiceAnswerSettings(True, "Old webcam")
    assert not dialog.problem.isHidden() and "not connected" in dialog.problem.text()
    assert not dialog.test.isEnabled() and not rig.microphones
    dialog.device.setCurrentIndex(0)  # the system default: the microphone opens
    assert dialog.problem.isHidden() and dialog.test.isEnabled()
    assert rig.microphones[-1].device_id is None and rig.microphones[-1].active


def test_the_microphone_runs_only_while_the_dialog_is_open(rig: Rig) -> None:
    dialog = rig.dialog(show=False)
    assert not rig.microphones, "not opened before the dialog shows"
    dialog.show()
    rig.qtbot.waitExposed(dialog)
    first = rig.microphones[-1]
    assert first.active and first.device_id is None
    assert rig.listeners[-1].microphone is first, "the recogniser loads while one looks"
    dialog.device.setCurrentIndex(dialog.device.findText("USB headset"))  # another device
    assert not first.active and rig.listeners[0].closed
    second = rig.microphones[-1]
    assert second.active and second.device_id == b"alsa_input.usb"
    assert rig.listeners[-1].microphone is second and not rig.listeners[-1].closed
    dialog.start_test()
    dialog.reject()
    assert not second.active and rig.listeners[-1].closed
    assert dialog.microphone is None and not dialog.testing
    assert len(rig.microphones) == len(rig.listeners) == 2


def test_the_level_meter_is_named_and_follows_the_microphone(rig: Rig) -> None:
    dialog = rig.dialog()
    meter = dialog.meter
    assert meter.accessibleName() == "Microphone level"
    assert "decibels" in meter.accessibleDescription()
    assert (meter.minimum(), meter.maximum()) == (-60, 0)
    mic = rig.microphones[-1]
    mic.level.emit(-23.4)
    assert meter.value() == -23
    mic.level.emit(-100.0)  # the microphone's floor: the meter's bottom
    assert meter.value() == -60
    mic.level.emit(3.0)
    assert meter.value() == 0


@pytest.mark.parametrize(
    ("answer", "shown"),
    [
        (VoiceAnswer(Kind.YES), "Heard: yes"),
        (VoiceAnswer(Kind.NO), "Heard: no"),
        (VoiceAnswer(Kind.PAUSE), NOT_AN_ANSWER),  # a play command: not yes or no
        (None, NOT_AN_ANSWER),
    ],
)
def test_say_yes_listens_at_the_check_and_shows_what_it_heard(
    rig: Rig, qtbot: QtBot, answer: VoiceAnswer | None, shown: str
) -> None:
    dialog = rig.dialog()
    QTest.mouseClick(dialog.test, Qt.MouseButton.LeftButton)
    listener = rig.listeners[-1]
    assert listener.microphone is rig.microphones[-1]
    assert listener.moments == [Moment.CHECK] and dialog.testing
    assert "say yes" in dialog.test_result.text()
    listener.heard.emit(FakeHeard(answer, "words"))
    assert dialog.test_result.text() == shown
    assert listener.moments == [Moment.CHECK, None] and not dialog.testing
    listener.heard.emit(FakeHeard(VoiceAnswer(Kind.NO)))  # after the test: ignored
    assert dialog.test_result.text() == shown


def test_say_yes_gives_up_after_its_time(rig: Rig, qtbot: QtBot) -> None:
    dialog = rig.dialog(test_seconds=0.2)
    dialog.start_test()
    qtbot.waitUntil(lambda: not dialog.testing, timeout=3000)
    assert dialog.test_result.text() == HEARD_NOTHING
    assert rig.listeners[-1].moments == [Moment.CHECK, None]
    dialog.start_test()  # again, with the same listener
    assert len(rig.listeners) == 1 and dialog.testing


def test_no_input_device_says_so_and_keeps_the_setting_usable(rig: Rig) -> None:
    rig.devices = []
    dialog = rig.dialog()
    assert not dialog.problem.isHidden() and "No microphone" in dialog.problem.text()
    assert not dialog.test.isEnabled() and not rig.microphones
    assert dialog.enabled.isEnabled()
    dialog.enabled.setChecked(True)
    dialog.accept()
    assert load_voice_answer_settings() == VoiceAnswerSettings(True, "")


def test_a_failing_microphone_says_so_in_one_line(rig: Rig) -> None:
    rig.fail = "The microphone could not be opened: device busy."
    dialog = rig.dialog()
    assert dialog.problem.text().startswith(rig.fail)
    assert not dialog.problem.isHidden() and not dialog.test.isEnabled()
    assert dialog.enabled.isEnabled()


def test_a_microphone_failing_during_the_test_ends_it(rig: Rig) -> None:
    dialog = rig.dialog()
    dialog.start_test()
    rig.microphones[-1].failed.emit("The microphone stopped.")
    assert not dialog.testing and not dialog.test.isEnabled()
    assert "The microphone stopped." in dialog.problem.text()
    assert rig.listeners[-1].moments[-1] is None


def test_a_recogniser_that_cannot_start_says_so_once(rig: Rig) -> None:
    dialog = rig.dialog()
    line = "Spoken answers could not start (no model): answers by keys only."
    rig.listeners[-1].failed.emit(line)
    assert dialog.problem.text() == line and not dialog.problem.isHidden()
    assert not dialog.test.isEnabled() and dialog.enabled.isEnabled()


def test_a_failure_passed_on_by_the_listener_is_one_line(rig: Rig) -> None:
    dialog = rig.dialog()
    dialog.start_test()
    line = "The microphone (USB headset) stopped working: answers by keys only."
    rig.microphones[-1].failed.emit(line)
    rig.listeners[-1].failed.emit(line)  # as the real listener does
    assert dialog.problem.text() == line
    assert not dialog.testing and dialog.test_result.text() == ""


def test_without_pocketsphinx_the_test_is_off_and_the_setting_usable(rig: Rig) -> None:
    def no_listener(microphone: object) -> FakeListener:
        raise ImportError("No module named 'pocketsphinx'")

    rig.listener = no_listener  # type: ignore[method-assign]
    dialog = rig.dialog()
    assert "not available" in dialog.problem.text() and not dialog.test.isEnabled()
    dialog.enabled.setChecked(True)
    dialog.accept()
    assert load_voice_answer_settings().enabled
    assert not rig.microphones[-1].active


def test_every_control_is_named_and_reached_by_tab(rig: Rig, qtbot: QtBot) -> None:
    dialog = rig.dialog()
    controls = dialog.controls()
    for control in controls:
        assert control.accessibleName(), control
        assert control.isEnabled() and control.focusPolicy() & Qt.FocusPolicy.TabFocus
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    dialog.enabled.setFocus()
    stops: list[QWidget | None] = [QApplication.focusWidget()]
    for _ in range(len(controls)):
        focused = QApplication.focusWidget()
        assert focused is not None
        QTest.keyClick(focused, Qt.Key.Key_Tab)
        stops.append(QApplication.focusWidget())
    assert stops == [*controls, controls[0]], "in order, and round again"


def test_settings_menu_opens_spoken_answers(window: MainWindow, asker: Any) -> None:
    action = window.menu_actions.voice_answers
    assert action.text() == "Spoken &answers…" and action.isEnabled()
    menus = {a.text(): a.menu() for a in window.menuBar().actions()}
    settings = menus["&Settings"]
    assert isinstance(settings, QMenu) and action in settings.actions()
    action.trigger()
    dialog = asker.last(VoiceAnswersDialog)
    assert dialog.windowTitle() == "Spoken answers" and not dialog.enabled.isChecked()
    dialog.reject()
