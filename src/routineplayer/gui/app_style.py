"""Apply docs/design.md to the whole application: palette, style sheet, and light or dark as
the desktop says (ROUTINEPLAYER_THEME=light|dark overrides, e.g. for screenshots)."""

from __future__ import annotations

import os

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

from routineplayer.gui.design_tokens import (
    DARK,
    LIGHT,
    RADIUS_CARD,
    RADIUS_CONTROL,
    SPACE_M,
    SPACE_S,
    Colours,
)

THEME_ENV = "ROUTINEPLAYER_THEME"


def wants_dark() -> bool:
    chosen = os.environ.get(THEME_ENV, "").strip().lower()
    if chosen in ("light", "dark"):
        return chosen == "dark"
    hints = QGuiApplication.styleHints()
    return hints.colorScheme() == Qt.ColorScheme.Dark


def current_colours() -> Colours:
    """The colours in use: those of the application's palette (set by ``apply_style``)."""
    app = QApplication.instance()
    if isinstance(app, QApplication):
        window = app.palette().color(QPalette.ColorRole.Window)
        return DARK if window.lightness() < 128 else LIGHT
    return LIGHT


def mix_colours(a: QColor, b: QColor, share_of_b: float) -> QColor:
    """``b`` laid over ``a`` at ``share_of_b`` opacity, as one opaque colour."""
    return QColor(
        round(a.red() + (b.red() - a.red()) * share_of_b),
        round(a.green() + (b.green() - a.green()) * share_of_b),
        round(a.blue() + (b.blue() - a.blue()) * share_of_b),
    )


def _mix(a: str, b: str, share_of_b: float) -> str:
    return mix_colours(QColor(a), QColor(b), share_of_b).name()


def palette_for(c: Colours) -> QPalette:
    palette = QPalette()
    roles = {
        QPalette.ColorRole.Window: c.window,
        QPalette.ColorRole.WindowText: c.text,
        QPalette.ColorRole.Base: c.surface,
        # Alternate rows: a whisper of the track colour, not a stripe.
        QPalette.ColorRole.AlternateBase: _mix(c.surface, c.surface_alt, 0.35),
        QPalette.ColorRole.Text: c.text,
        QPalette.ColorRole.Button: c.surface,
        QPalette.ColorRole.ButtonText: c.text,
        QPalette.ColorRole.Highlight: c.accent,
        QPalette.ColorRole.HighlightedText: c.on_accent,
        QPalette.ColorRole.ToolTipBase: c.surface,
        QPalette.ColorRole.ToolTipText: c.text,
        QPalette.ColorRole.PlaceholderText: c.muted,
        QPalette.ColorRole.Mid: c.surface_alt,
        QPalette.ColorRole.Dark: c.border,
        QPalette.ColorRole.Light: c.surface,
        QPalette.ColorRole.Midlight: c.surface_alt,
        QPalette.ColorRole.Link: c.accent,
    }
    for role, colour in roles.items():
        palette.setColor(role, QColor(colour))
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text):
        palette.setColor(QPalette.ColorGroup.Disabled, role, QColor(c.muted))
    palette.setColor(QPalette.ColorGroup.Disabled, QPalette.ColorRole.ButtonText, QColor(c.muted))
    return palette


def style_sheet(c: Colours) -> str:
    """Rounded, calm controls; the accent marks focus, selection and the primary action.
    A button with the dynamic property ``primary`` set is filled with the accent. Spin and
    combo boxes keep Fusion's own drawing in our palette: a style sheet on them replaces
    their arrows."""
    r, rc, s, m = RADIUS_CONTROL, RADIUS_CARD, SPACE_S, SPACE_M
    return f"""
QPushButton, QToolButton {{
    background: {c.surface}; color: {c.text};
    border: 1px solid {c.border}; border-radius: {r}px;
    padding: {s}px {m}px; qproperty-iconSize: 20px 20px;
}}
QPushButton:hover, QToolButton:hover {{ background: {c.surface_alt}; }}
QPushButton:pressed, QToolButton:pressed {{ background: {c.border}; }}
QPushButton:focus, QToolButton:focus {{ border: 2px solid {c.accent}; }}
QPushButton:disabled, QToolButton:disabled {{ color: {c.muted}; background: {c.window}; }}
QMenuBar QToolButton, QToolBar QToolButton {{ border: none; background: transparent; }}
QPushButton[primary="true"] {{
    background: {c.accent}; color: {c.on_accent}; border: 1px solid {c.accent};
    font-weight: 600;
}}
QPushButton[primary="true"]:focus {{ border: 2px solid {c.text}; }}
QPushButton:default {{ border: 2px solid {c.accent}; }}
QDialogButtonBox {{ dialogbuttonbox-buttons-have-icons: 0; }}
QLineEdit, QPlainTextEdit, QTextEdit {{
    background: {c.surface}; color: {c.text};
    border: 1px solid {c.border}; border-radius: {r}px; padding: 4px {s}px;
    selection-background-color: {c.accent}; selection-color: {c.on_accent};
}}
QLineEdit:focus, QPlainTextEdit:focus, QTextEdit:focus {{ border: 2px solid {c.accent}; }}
QListView, QTableView, QTreeView {{
    background: {c.surface}; border: 1px solid {c.border}; border-radius: {rc}px;
    selection-background-color: {c.accent}; selection-color: {c.on_accent};
}}
QListView:focus, QTableView:focus, QTreeView:focus {{ border: 2px solid {c.accent}; }}
QHeaderView::section {{
    background: {c.surface_alt}; color: {c.text}; border: none; padding: 4px {s}px;
}}
QProgressBar {{ background: {c.surface_alt}; border: none; border-radius: 4px; }}
QProgressBar::chunk {{ background: {c.accent}; border-radius: 4px; }}
QToolTip {{ background: {c.surface}; color: {c.text}; border: 1px solid {c.border}; }}
QMenuBar {{ background: {c.window}; }}
QMenu {{ background: {c.surface}; border: 1px solid {c.border}; }}
QMenu::item:selected {{ background: {c.accent}; color: {c.on_accent}; }}
"""


def apply_style(app: QApplication) -> None:
    """Fusion (the same shapes on every desktop) in our palette; again when the desktop
    switches between light and dark."""
    app.setStyle("Fusion")

    def apply() -> None:
        colours = DARK if wants_dark() else LIGHT
        app.setPalette(palette_for(colours))
        app.setStyleSheet(style_sheet(colours))

    apply()
    QGuiApplication.styleHints().colorSchemeChanged.connect(lambda _scheme: apply())
