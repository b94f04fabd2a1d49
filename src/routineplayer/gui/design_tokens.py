"""The visual system of docs/design.md as values: colours for light and dark, type scale,
spacing, corner radius. Plain data, so the style sheet, the painted widgets and the tests all
read one source."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Mood(StrEnum):
    """What the player is doing; each has its own colour for the ring and the state line."""

    WORKING = "working"
    GET_READY = "get-ready"
    REST = "rest"
    CHECK = "check"
    PAUSED = "paused"


@dataclass(frozen=True)
class Colours:
    window: str  # the page behind everything
    surface: str  # cards, lists, fields, buttons
    surface_alt: str  # hover, the ring's track, alternate rows
    border: str
    text: str
    muted: str  # secondary text; >= 4.5:1 against window and surface
    accent: str  # the one accent: selection, focus, primary action, working
    on_accent: str  # text on the accent
    error: str
    states: dict[Mood, str]


LIGHT = Colours(
    window="#f5f3ee",
    surface="#ffffff",
    surface_alt="#e9e5dc",
    border="#d6d0c4",
    text="#1e2125",
    muted="#565c66",
    accent="#1d6f68",
    on_accent="#ffffff",
    error="#b3261e",
    states={
        Mood.WORKING: "#1d6f68",
        Mood.GET_READY: "#a35f00",
        Mood.REST: "#3a64a8",
        Mood.CHECK: "#1d6f68",
        Mood.PAUSED: "#767b84",
    },
)

DARK = Colours(
    window="#16181b",
    surface="#1f2226",
    surface_alt="#2b2f35",
    border="#3a3f47",
    text="#ebe9e4",
    muted="#a8adb5",
    accent="#5cbfb3",
    on_accent="#0c1514",
    error="#f2b8b5",
    states={
        Mood.WORKING: "#5cbfb3",
        Mood.GET_READY: "#e6a84a",
        Mood.REST: "#8cb0ea",
        Mood.CHECK: "#5cbfb3",
        Mood.PAUSED: "#8b9099",
    },
)

# Type scale: multiples of the desktop's own font size, so the user's setting still rules.
CAPTION = 0.9
BODY = 1.0
LEAD = 1.25
HEADING = 1.6
TITLE = 2.2

# Spacing on an 8 px grid (4 for the tightest pairs).
SPACE_XS, SPACE_S, SPACE_M, SPACE_L, SPACE_XL = 4, 8, 16, 24, 32

RADIUS_CONTROL = 8  # buttons, fields
RADIUS_CARD = 14  # lists, panels, dialogs

TOUCH_TARGET = 48  # the smallest height of anything pressed in the player
