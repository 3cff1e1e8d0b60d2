"""The app's palette (from reports/palette.py, shared with the factsheet's charts) and spacing;
only `apply_theme` touches Qt."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from reports.palette import (  # noqa: F401 - the palette, re-exported for the views
    ACCENT,
    ERROR,
    GREY_100,
    GREY_300,
    GREY_500,
    GREY_700,
    GREY_900,
    PRIMARY,
    PRIMARY_LIGHT,
    SERIES,
    SUCCESS,
    WHITE,
)

# Spacing (pixels at 100% scaling; Qt scales them for high-DPI screens)
SPACING_SMALL = 4
SPACING = 8
SPACING_LARGE = 16
MARGIN = 12
BAR_HEIGHT = 14
NAVIGATION_WIDTH = 180
FORM_FIELD_MIN_WIDTH = 260


def palette() -> QPalette:
    """Fusion's light palette with our blue for selection and links."""
    pal = QPalette()
    roles = QPalette.ColorRole
    colours = {
        roles.Window: GREY_100, roles.WindowText: GREY_900, roles.Base: WHITE,
        roles.AlternateBase: GREY_100, roles.ToolTipBase: WHITE, roles.ToolTipText: GREY_900,
        roles.PlaceholderText: GREY_500, roles.Text: GREY_900, roles.Button: "#E9ECEF",
        roles.ButtonText: GREY_900, roles.BrightText: ERROR, roles.Highlight: PRIMARY,
        roles.HighlightedText: WHITE, roles.Link: PRIMARY, roles.LinkVisited: PRIMARY,
    }
    for role, colour in colours.items():
        pal.setColor(role, QColor(colour))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        pal.setColor(disabled, role, QColor(GREY_500))
    return pal


def apply_theme(app: QApplication) -> None:
    """Fusion style with the palette above, the same on every platform."""
    app.setStyle("Fusion")
    app.setPalette(palette())


def error_style() -> str:
    """Style sheet for an inline error label."""
    return f"color: {ERROR};"


def heading_style() -> str:
    return f"color: {PRIMARY}; font-weight: 600;"


def navigation_style() -> str:
    """Roomy navigation entries: the list is the main way around the window."""
    return (
        f"QListWidget {{ border: none; background: {WHITE}; }}"
        f" QListWidget::item {{ padding: {SPACING - 2}px {SPACING}px; }}"
        f" QListWidget::item:selected {{ background: {PRIMARY}; color: {WHITE}; }}"
    )
