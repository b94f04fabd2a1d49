"""The safety notice: warning signs that need a doctor, and that this is not a medical device.

Shown at first launch and from Help, and again before play when the pain rating before a
session is high (``notice_needed_before_play``). The warning signs follow seed 002's list of
red-flag symptoms; the wording is ours, kept plain enough to be read aloud.
"""

from __future__ import annotations

from dataclasses import dataclass

from routineplayer.core.pain import PAIN_MAX, check_pain

# Seed 001 treats pain of about 8 or more as too much to rehab through; from 8 the notice
# is shown again before play.
HIGH_PAIN = 8

TITLE = "When to see a doctor"

GENERAL_LEAD = "Please read this before you exercise with routineplayer."

URGENT_INTRO = (
    "Do not exercise, and get medical help today from a doctor or an emergency department, "
    "if you have back pain together with any of these:"
)
URGENT_SIGNS = (
    "You cannot control your bladder or bowels, or you cannot pass urine.",
    "Your groin, genitals or inner thighs feel numb.",
    "Weakness, numbness or tingling in one or both legs that is getting worse.",
    "You have a fever or chills.",
    "The pain began after a fall, an accident or a blow to your back.",
    "You are losing weight without trying.",
)

SOON_INTRO = "Book an appointment with a doctor soon if:"
SOON_SIGNS = (
    "The pain is no better after a week or two of gentle care, or it keeps getting worse.",
    "The pain is worse at night, or does not ease when you lie still.",
    "You have had cancer or osteoporosis, or take steroid medicine, and the back pain is new.",
    "You are over 50 and have never had back pain before now.",
)

NOT_A_MEDICAL_DEVICE = (
    "routineplayer is not a medical device. It does not diagnose or treat anything: it plays "
    "the exercise routines you choose. Ask a doctor or physiotherapist whether these "
    "exercises suit you, and stop any exercise that brings on sharp pain, or pain, numbness "
    "or tingling that spreads down a leg."
)


def notice_needed_before_play(pain_before: int | None) -> bool:
    """True when the pain rated before a session calls for the notice again.

    None (the rating was skipped) does not: the notice was already shown at first launch.
    """
    return pain_before is not None and check_pain(pain_before) >= HIGH_PAIN


def high_pain_lead(pain_before: int) -> str:
    return (
        f"You rated your pain {pain_before} out of {PAIN_MAX}. That is a lot of pain to "
        "exercise with. Please check the warning signs below. If any of them apply, do not "
        "start: get medical help. If none apply, you may go ahead gently, and stop if the "
        "pain gets worse."
    )


@dataclass(frozen=True)
class SafetyNotice:
    title: str
    lead: str  # why the notice is shown now
    urgent_intro: str
    urgent_signs: tuple[str, ...]
    soon_intro: str
    soon_signs: tuple[str, ...]
    disclaimer: str

    def as_text(self) -> str:
        """The whole notice as plain text, one item per line: for speech and plain views."""
        lines = [self.title, "", self.lead, "", self.urgent_intro]
        lines += [f"- {sign}" for sign in self.urgent_signs]
        lines += ["", self.soon_intro]
        lines += [f"- {sign}" for sign in self.soon_signs]
        lines += ["", self.disclaimer]
        return "\n".join(lines)


def safety_notice(pain_before: int | None = None) -> SafetyNotice:
    """The notice; with a high ``pain_before`` it opens by saying why it is shown again."""
    lead = GENERAL_LEAD
    if pain_before is not None and notice_needed_before_play(pain_before):
        lead = high_pain_lead(pain_before)
    return SafetyNotice(
        title=TITLE,
        lead=lead,
        urgent_intro=URGENT_INTRO,
        urgent_signs=URGENT_SIGNS,
        soon_intro=SOON_INTRO,
        soon_signs=SOON_SIGNS,
        disclaimer=NOT_A_MEDICAL_DEVICE,
    )
