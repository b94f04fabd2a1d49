"""The installed voices grouped for the voice list: those that speak the routines' language
first, then the rest. espeak-ng installs a voice for every language it knows, Afrikaans
first by name, and only a few of them can read English cues."""

from __future__ import annotations

import re
from collections.abc import Sequence

ROUTINE_LANGUAGE = "en"  # the built-in routines, and every cue the app writes, are English
LANGUAGE_NAMES = {"en": "English"}
OTHER_LANGUAGES = "Other languages"

Voices = list[tuple[str, str]]  # (id, name), as runtime.voice lists them

# espeak-ng ids end in a language tag: "gmw/en-us", "eu", "sit/cmn-latn-pinyin".
_TAG = re.compile(r"(?:^|/)([a-z]{2,3})(?:-[\w-]+)?$", re.IGNORECASE)


def voice_language(voice_id: str, name: str) -> str:
    """The voice's language code ("en"), from its id or, for ids that name none, from the
    start of its name; "" if neither says."""
    if found := _TAG.search(voice_id):
        return found.group(1).lower()
    for code, language in LANGUAGE_NAMES.items():
        if name.startswith(language):
            return code
    return ""


def group_voices(
    voices: Sequence[tuple[str, str]], language: str = ROUTINE_LANGUAGE
) -> tuple[Voices, Voices]:
    """(the voices for ``language``, the others), each in the order given."""
    first: Voices = []
    others: Voices = []
    for voice in voices:
        (first if voice_language(*voice) == language else others).append(voice)
    return first, others
