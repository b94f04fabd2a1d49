"""The voice list: voices that speak the routines' language first, the rest after."""

from __future__ import annotations

from routineplayer.runtime.voice_list import group_voices, voice_language

# As espeak-ng lists them (by name), with the neighbours that could be mistaken for English.
ESPEAK = [
    ("gmw/af", "Afrikaans"),
    ("sit/cmn", "Chinese (Mandarin, latin as English)"),
    ("gmw/en-029", "English (Caribbean)"),
    ("gmw/en", "English (Great Britain)"),
    ("gmw/en-us", "English (America)"),
    ("art/eo", "Esperanto"),
    ("eu", "Basque"),
    ("roa/fr", "French (France)"),
]


def test_voices_for_the_language_come_first_in_their_order_and_the_rest_after() -> None:
    first, others = group_voices(ESPEAK, "en")
    assert [v for v, _ in first] == ["gmw/en-029", "gmw/en", "gmw/en-us"]
    assert [v for v, _ in others] == ["gmw/af", "sit/cmn", "art/eo", "eu", "roa/fr"]


def test_the_routines_language_is_english_by_default() -> None:
    assert group_voices(ESPEAK) == group_voices(ESPEAK, "en")


def test_the_language_comes_from_the_voice_id_or_else_the_name() -> None:
    assert voice_language("gmw/en-gb-x-rp", "English (Received Pronunciation)") == "en"
    assert voice_language("eu", "Basque") == "eu"
    assert voice_language("sit/cmn", "Chinese (Mandarin, latin as English)") == "cmn"
    # Another engine's id that names no language: the name says it.
    assert voice_language("com.example.voice.7", "English (Scotland)") == "en"


def test_no_voice_in_the_language_leaves_every_voice_under_the_others() -> None:
    assert group_voices(ESPEAK, "ja") == ([], ESPEAK)
    assert group_voices([], "en") == ([], [])
