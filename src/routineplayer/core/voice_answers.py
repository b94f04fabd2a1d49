"""What may be answered by voice at each moment, and what a recognised phrase means.

Recognition is restricted to a small grammar per moment (issue: hands-free answers), never
free dictation: the fewer the words, the fewer the mistakes, and anything else said (a
cough, a word to someone in the room, the app's own cues) has nothing to match.

- ``Moment.CHECK``: "Did your lower belly disconnect?": yes / no.
- ``Moment.PAIN``: pain from zero to ten, or "skip".
- ``Moment.PLAY``: at any time during play: "pause", "carry on", "next", "stop".

The check comes while a routine plays, so its words include the PLAY commands ("pause"
works there too); the pain question comes before or after play, so its words do not (a
"four" must not have "pause" to be mistaken for). The words are the pronunciation
dictionary's spelling (lower case, single spaces): the recogniser's hypothesis maps back
with ``answer_for``.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Moment(StrEnum):
    CHECK = "check"
    PAIN = "pain"
    PLAY = "play"


class Kind(StrEnum):
    YES = "yes"
    NO = "no"
    PAIN = "pain"  # with a number
    SKIP = "skip"
    PAUSE = "pause"
    CARRY_ON = "carry on"
    NEXT = "next"
    STOP = "stop"


@dataclass(frozen=True)
class VoiceAnswer:
    kind: Kind
    pain: int | None = None  # 0-10 for Kind.PAIN

    def __str__(self) -> str:
        return f"pain {self.pain}" if self.kind is Kind.PAIN else self.kind.value


NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")
COMMANDS = {"pause": Kind.PAUSE, "carry on": Kind.CARRY_ON, "next": Kind.NEXT, "stop": Kind.STOP}
_OWN = {
    Moment.CHECK: {"yes": VoiceAnswer(Kind.YES), "no": VoiceAnswer(Kind.NO)},
    Moment.PAIN: {
        **{word: VoiceAnswer(Kind.PAIN, n) for n, word in enumerate(NUMBERS)},
        "skip": VoiceAnswer(Kind.SKIP),
    },
    Moment.PLAY: {phrase: VoiceAnswer(kind) for phrase, kind in COMMANDS.items()},
}


def own_phrases(moment: Moment) -> dict[str, VoiceAnswer]:
    """The phrases of ``moment`` itself, without the play commands."""
    return dict(_OWN[moment])


def phrases(moment: Moment) -> dict[str, VoiceAnswer]:
    """Every phrase that answers at ``moment``, with its meaning."""
    own = own_phrases(moment)
    if moment is Moment.CHECK:
        own.update(_OWN[Moment.PLAY])
    return own


def answer_for(text: str, moment: Moment) -> VoiceAnswer | None:
    """The answer a recognised ``text`` gives at ``moment``; None for anything else (an
    empty hypothesis, a phrase of another moment, two phrases at once)."""
    return phrases(moment).get(" ".join(text.lower().split()))


def jsgf(moment: Moment) -> str:
    """A JSGF grammar of exactly the moment's phrases (one per utterance).

    No room for a correction ("no, I said no"): measured, the optional "i said" made
    pocketsphinx hear "seven" as "i said one", and pain accuracy fell from 69 % to 50 %. A
    correction is the other answer said within the undo window (core.voice_turns); said as
    one utterance, "no, I said no" is forced onto the nearest phrase, most often "no"."""
    alternatives = " | ".join(sorted(phrases(moment)))
    return f"#JSGF V1.0;\ngrammar {moment.value};\npublic <answer> = {alternatives};\n"
