"""The one table of keys -> commands, shared by the player, audio-only view and help overlay.

People use the app lying on the floor, with a keyboard, a presenter clicker (which sends
Page Up / Page Down) or media keys, so every command has several keys. During the belly
check the "next" keys mean No (carry on) and the "back" keys mean Yes (rest, then do the
set again): a two-button clicker can answer too.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import Qt


class Command(StrEnum):
    PAUSE_OR_DONE = "pause-or-done"
    PRIMARY = "primary"
    SKIP = "skip"
    BACK = "back"
    YES = "yes"
    NO = "no"
    STOP = "stop"
    AUDIO_ONLY = "audio-only"
    FULL_SCREEN = "full-screen"
    HELP = "help"


K = Qt.Key


@dataclass(frozen=True)
class Binding:
    command: Command
    keys: tuple[Qt.Key, ...]
    label: str  # the keys as people read them
    action: str  # what the command does, for the help overlay


KEYMAP: tuple[Binding, ...] = (
    Binding(
        Command.PAUSE_OR_DONE,
        (K.Key_Space, K.Key_MediaPlay, K.Key_MediaPause, K.Key_MediaTogglePlayPause),
        "Space, Play/Pause",
        "Pause or carry on; on a rep step: this set is done",
    ),
    Binding(
        Command.PRIMARY,
        (K.Key_Return, K.Key_Enter),
        "Enter",
        "Main action: done, carry on, move on (else pause)",
    ),
    Binding(
        Command.SKIP,
        (K.Key_Right, K.Key_PageDown, K.Key_MediaNext),
        "→, Page Down, Next",
        "Skip to the next step (during the check: No)",
    ),
    Binding(
        Command.BACK,
        (K.Key_Left, K.Key_PageUp, K.Key_MediaPrevious),
        "←, Page Up, Previous",
        # What one press does (core.session.back): the start of this step; the step before
        # only on a second press within BACK_AGAIN_WITHIN.
        "Start of this step; twice: step before (check: Yes)",
    ),
    Binding(Command.YES, (K.Key_Y,), "Y", "Answer the check: yes"),
    Binding(Command.NO, (K.Key_N,), "N", "Answer the check: no"),
    Binding(Command.STOP, (K.Key_Escape, K.Key_MediaStop), "Esc", "Stop the routine (asks first)"),
    Binding(Command.AUDIO_ONLY, (K.Key_A,), "A", "Audio-only mode on or off"),
    Binding(Command.FULL_SCREEN, (K.Key_F11, K.Key_F), "F11, F", "Full screen on or off"),
    Binding(Command.HELP, (K.Key_F1, K.Key_Question), "F1, ?", "Show or hide this help"),
)

_BY_KEY: dict[int, Command] = {
    int(key.value): binding.command for binding in KEYMAP for key in binding.keys
}

# What the clicker-style keys mean while the check waits for an answer.
CHECK_ANSWERS: dict[Command, Command] = {Command.SKIP: Command.NO, Command.BACK: Command.YES}


def command_for_key(key: int) -> Command | None:
    """The command bound to a Qt key code (modifiers ignored: '?' needs Shift on most layouts)."""
    return _BY_KEY.get(int(key))
