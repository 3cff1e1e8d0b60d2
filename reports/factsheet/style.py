"""The factsheet's type and colours: one embedded font family with every Dutch character
(Bitstream Vera, shipped with reportlab under its own licence), a clear hierarchy of headings,
and the app's palette."""

from __future__ import annotations

from functools import cache
from pathlib import Path

import reportlab
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import cm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from reports import palette

FONT = "BrugmeterSans"
BOLD = "BrugmeterSans-Bold"
ITALIC = "BrugmeterSans-Italic"
BOLD_ITALIC = "BrugmeterSans-BoldItalic"
_FILES = {FONT: "Vera.ttf", BOLD: "VeraBd.ttf", ITALIC: "VeraIt.ttf", BOLD_ITALIC: "VeraBI.ttf"}

PRIMARY = colors.HexColor(palette.PRIMARY)
PRIMARY_LIGHT = colors.HexColor(palette.PRIMARY_LIGHT)
ACCENT = colors.HexColor(palette.ACCENT)
TEXT = colors.HexColor(palette.GREY_900)
MUTED = colors.HexColor(palette.GREY_700)
RULE = colors.HexColor(palette.GREY_300)
BAND = colors.HexColor(palette.GREY_100)
IMPROVED, STABLE, DECLINED = (colors.HexColor(palette.PRIMARY), colors.HexColor(palette.GREY_300),
                              colors.HexColor(palette.ACCENT))
INTAKE, LAST, NORM = (colors.HexColor(palette.SERIES[3]), colors.HexColor(palette.PRIMARY),
                      colors.HexColor(palette.GREY_500))

PAGE_MARGIN = 2 * cm
BODY_SIZE = 9.5


@cache
def register_fonts() -> None:
    """Embed the font family once per process; the PDF then shows ë, é, ï, ’ and ® on any
    reader, whatever fonts the reader's machine has."""
    folder = Path(reportlab.__file__).parent / "fonts"
    for name, file in _FILES.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / file)))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=ITALIC,
                                  boldItalic=BOLD_ITALIC)


def missing_glyphs(texts: list[str]) -> list[str]:
    """The characters the embedded font cannot show (they would print as empty boxes)."""
    register_fonts()
    shown = pdfmetrics.getFont(FONT).face.charToGlyph
    return sorted({ch for value in texts for ch in value if ch.isprintable()
                   and ord(ch) not in shown and not ch.isspace()})


@cache
def styles() -> dict[str, ParagraphStyle]:
    register_fonts()
    body = ParagraphStyle("body", fontName=FONT, fontSize=BODY_SIZE, leading=13.5,
                          textColor=TEXT, alignment=TA_LEFT, spaceAfter=5)
    return {
        "body": body,
        "title": ParagraphStyle("title", body, fontName=BOLD, fontSize=19, leading=24,
                                textColor=colors.white, spaceAfter=4),
        "subtitle": ParagraphStyle("subtitle", body, fontSize=10.5, leading=14,
                                   textColor=colors.white, spaceAfter=0),
        "lead": ParagraphStyle("lead", body, fontName=BOLD, fontSize=10.5, leading=15,
                               spaceAfter=6),
        "h1": ParagraphStyle("h1", body, fontName=BOLD, fontSize=14, leading=18,
                             textColor=PRIMARY, spaceBefore=12, spaceAfter=5,
                             keepWithNext=1),
        "h2": ParagraphStyle("h2", body, fontName=BOLD, fontSize=11, leading=14,
                             textColor=PRIMARY, spaceBefore=8, spaceAfter=3, keepWithNext=1),
        "bullet": ParagraphStyle("bullet", body, leftIndent=12, bulletIndent=2, spaceAfter=2),
        "small": ParagraphStyle("small", body, fontSize=7.5, leading=10, textColor=MUTED,
                                spaceAfter=3),
        "cell": ParagraphStyle("cell", body, fontSize=8, leading=10, spaceAfter=0),
        "cell_bold": ParagraphStyle("cell_bold", body, fontName=BOLD, fontSize=8, leading=10,
                                    spaceAfter=0),
        "cell_bold_right": ParagraphStyle("cell_bold_right", body, fontName=BOLD, fontSize=8,
                                          leading=10, spaceAfter=0, alignment=TA_RIGHT),
    }
