"""The factsheet's vector charts (reportlab.graphics): every chart has labelled axes, a legend
and its n in the category labels, and is drawn in the palette of reports/palette.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from reportlab.graphics.charts.barcharts import HorizontalBarChart, VerticalBarChart
from reportlab.graphics.charts.legends import Legend
from reportlab.graphics.shapes import Drawing, Group, Line, Rect, String
from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth

from reports.factsheet import style
from reports.factsheet.words import decimal, whole

WIDTH = 17 * cm  # the text width of an A4 page with 2 cm margins


def _drawing(width: float, height: float) -> Drawing:
    drawing = Drawing(width, height)
    drawing.initialFontName = style.FONT  # else the renderer also names Helvetica in the PDF
    return drawing


def _legend(drawing: Drawing, x: float, y: float, entries: Sequence[tuple[colors.Color, str]],
            columns: int | None = None) -> None:
    legend = Legend()
    legend.x, legend.y = x, y
    legend.alignment = "right"
    legend.fontName, legend.fontSize = style.FONT, 7.5
    legend.boxAnchor = "nw"
    legend.columnMaximum = 1 if columns is None else columns
    legend.deltax, legend.dx, legend.dy = 90, 7, 7
    legend.colorNamePairs = list(entries)
    legend.strokeWidth = 0
    drawing.add(legend)


def fit_label(label: str, width: float, font_size: float, lines: int = 2) -> str:
    """A category label wrapped to the room beside the axis, at most `lines` lines, the last
    shortened with "…" where even that is too little: a long pillar or scale name never runs
    out of its chart."""
    wrapped = simpleSplit(label, style.FONT, font_size, width)
    if len(wrapped) > lines:
        wrapped = wrapped[:lines]
        last = wrapped[-1]
        while last and stringWidth(last + "…", style.FONT, font_size) > width:
            last = last[:-1]
        wrapped[-1] = last.rstrip() + "…"
    return "\n".join(wrapped)


def _share_label(value: float) -> str:
    return f"{whole(value)}%" if value >= 7 else ""  # too narrow a segment stays unlabelled


def progress_chart(labels: Sequence[str], improved: Sequence[float], stable: Sequence[float],
                   declined: Sequence[float], legend: Sequence[str], axis_title: str
                   ) -> Drawing:
    """100% stacked horizontal bars: improved / stable / declined per pillar."""
    rows = len(labels)
    bar_area = max(rows, 1) * 0.72 * cm
    height = bar_area + 2.1 * cm
    drawing = _drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 5.6 * cm, 1.3 * cm
    chart.width, chart.height = WIDTH - chart.x - 0.5 * cm, bar_area
    # reportlab draws the first category at the bottom: reverse, so the list reads top-down
    chart.data = [list(reversed(series)) for series in (improved, stable, declined)]
    chart.categoryAxis.categoryNames = [fit_label(label, chart.x - 0.4 * cm, 8)
                                        for label in reversed(labels)]
    chart.categoryAxis.style = "stacked"
    chart.categoryAxis.labels.fontName = style.FONT
    chart.categoryAxis.labels.fontSize = 8
    chart.categoryAxis.labels.boxAnchor = "e"
    chart.categoryAxis.labels.dx = -4
    chart.categoryAxis.strokeColor = style.RULE
    chart.valueAxis.valueMin, chart.valueAxis.valueMax, chart.valueAxis.valueStep = 0, 100, 20
    chart.valueAxis.labelTextFormat = "%d%%"
    chart.valueAxis.labels.fontName = style.FONT
    chart.valueAxis.labels.fontSize = 7.5
    chart.valueAxis.strokeColor = style.RULE
    chart.valueAxis.visibleGrid = True
    chart.valueAxis.gridStrokeColor = style.RULE
    chart.valueAxis.gridStrokeWidth = 0.3
    chart.barWidth = 0.5 * cm
    chart.groupSpacing = 0.2 * cm
    for index, colour in enumerate((style.IMPROVED, style.STABLE, style.DECLINED)):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = colors.white
        chart.bars[index].strokeWidth = 0.5
    chart.barLabelFormat = _share_label
    chart.barLabels.fontName = style.FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "c"
    chart.barLabels.boxTarget = "mid"  # in the middle of its segment
    chart.barLabels.fillColor = colors.white
    chart.barLabels[1].fillColor = style.TEXT  # white on the light grey "stable" is unreadable
    drawing.add(chart)
    drawing.add(String(chart.x + chart.width / 2, 0.55 * cm, axis_title, fontName=style.FONT,
                       fontSize=7.5, fillColor=style.MUTED, textAnchor="middle"))
    _legend(drawing, chart.x, height - 0.05 * cm,
            list(zip((style.IMPROVED, style.STABLE, style.DECLINED), legend, strict=True)),
            columns=1)
    return drawing


def level_bars(intake: float, last: float, width: float = 6.2 * cm) -> Drawing:
    """Two bars for one level of a pillar: % at intake and % at the last measurement, on a
    0–100% scale shared by every row, each with its figure at the end."""
    height = 0.72 * cm
    drawing = _drawing(width, height)
    usable = width - 1.1 * cm
    for row, (value, colour) in enumerate(((intake, style.INTAKE), (last, style.LAST))):
        y = height - (row + 1) * 0.32 * cm - 0.04 * cm
        drawing.add(Rect(0, y, usable, 0.26 * cm, fillColor=style.BAND, strokeColor=None))
        drawing.add(Rect(0, y, usable * value / 100, 0.26 * cm, fillColor=colour,
                         strokeColor=None))
        drawing.add(String(usable * value / 100 + 3, y + 0.06 * cm, f"{whole(value)}%",
                           fontName=style.FONT, fontSize=6.5, fillColor=style.TEXT))
    return drawing


def level_axis(legend: Sequence[str], axis_title: str, width: float = 6.2 * cm) -> Drawing:
    """The header above a column of level bars: legend, 0–100% ticks and the axis title."""
    drawing = _drawing(width, 1.3 * cm)
    usable = width - 1.1 * cm
    for index, (label, colour) in enumerate(zip(legend, (style.INTAKE, style.LAST),
                                                strict=True)):
        x = index * usable / 2
        drawing.add(Rect(x, 0.95 * cm, 0.25 * cm, 0.25 * cm, fillColor=colour,
                         strokeColor=None))
        drawing.add(String(x + 0.35 * cm, 1.0 * cm, label, fontName=style.FONT, fontSize=7,
                           fillColor=style.TEXT))
    drawing.add(String(0, 0.55 * cm, axis_title, fontName=style.FONT, fontSize=6.5,
                       fillColor=style.MUTED))
    drawing.add(Line(0, 0.15 * cm, usable, 0.15 * cm, strokeColor=style.RULE,
                     strokeWidth=0.5))
    for tick in (0, 25, 50, 75, 100):
        x = usable * tick / 100
        drawing.add(Line(x, 0.08 * cm, x, 0.22 * cm, strokeColor=style.RULE, strokeWidth=0.5))
        drawing.add(String(x, 0.28 * cm, f"{tick}%", fontName=style.FONT, fontSize=6,
                           fillColor=style.MUTED, textAnchor="middle"))
    return drawing


def paired_means_chart(labels: Sequence[str], intake: Sequence[float], last: Sequence[float],
                       value_range: tuple[float, float], legend: Sequence[str],
                       axis_title: str, language: str) -> Drawing:
    """Grouped horizontal bars: a scale's mean at intake beside its mean at the last
    measurement, on the scale's own range."""
    rows = len(labels)
    bar_area = max(rows, 1) * 0.95 * cm
    height = bar_area + 2.1 * cm
    drawing = _drawing(WIDTH, height)
    chart = HorizontalBarChart()
    chart.x, chart.y = 6.4 * cm, 1.3 * cm
    chart.width, chart.height = WIDTH - chart.x - 0.8 * cm, bar_area
    chart.data = [list(reversed(last)), list(reversed(intake))]  # series 0 is drawn lowest
    chart.categoryAxis.categoryNames = [fit_label(label, chart.x - 0.4 * cm, 7.5)
                                        for label in reversed(labels)]
    _category_axis(chart)
    low, high = value_range
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = low, high
    chart.valueAxis.valueStep = 1 if high - low <= 10 else None
    _value_axis(chart)
    chart.barWidth = 0.3 * cm
    chart.groupSpacing = 0.3 * cm
    chart.barSpacing = 0.04 * cm
    for index, colour in enumerate((style.LAST, style.INTAKE)):
        chart.bars[index].fillColor = colour
        chart.bars[index].strokeColor = None
    chart.barLabelFormat = lambda value: decimal(value, language)
    chart.barLabels.fontName = style.FONT
    chart.barLabels.fontSize = 6.5
    chart.barLabels.boxAnchor = "w"
    chart.barLabels.dx = 2
    drawing.add(chart)
    drawing.add(String(chart.x + chart.width / 2, 0.55 * cm, axis_title, fontName=style.FONT,
                       fontSize=7.5, fillColor=style.MUTED, textAnchor="middle"))
    _legend(drawing, chart.x, height - 0.05 * cm,
            list(zip((style.INTAKE, style.LAST), legend, strict=True)), columns=1)
    return drawing


def bar_chart(labels: Sequence[str], values: Sequence[float | None], axis_title: str,
              label: Callable[[float], str], maximum: float | None = 100,
              bar_colours: Sequence[colors.Color] | None = None,
              width: float = 8 * cm) -> Drawing:
    """Vertical bars, one per label (e.g. % high at intake, at the last measurement and in
    the norm group), each with its value on top written by `label` (as the text writes it);
    a missing value leaves an empty, unlabelled slot."""
    height = 5.4 * cm
    drawing = _drawing(width, height)
    chart = VerticalBarChart()
    chart.x, chart.y = 1.3 * cm, 1.7 * cm
    chart.width, chart.height = width - chart.x - 0.3 * cm, height - chart.y - 0.5 * cm
    chart.data = [[value if value is not None else 0 for value in values]]
    slot = chart.width / max(len(labels), 1) - 0.1 * cm
    chart.categoryAxis.categoryNames = [
        "\n".join(fit_label(line, slot, 7.5, 1) for line in label.split("\n"))
        for label in labels]
    _category_axis(chart, anchor="n")
    top = maximum or max([v for v in values if v is not None] + [1]) * 1.15
    chart.valueAxis.valueMin, chart.valueAxis.valueMax = 0, top
    _value_axis(chart)
    chart.valueAxis.labelTextFormat = "%d%%" if maximum == 100 else "%d"
    chart.barWidth = 0.8 * cm
    chart.bars.strokeColor = None
    for index, colour in enumerate(bar_colours or [style.PRIMARY] * len(values)):
        chart.bars[(0, index)].fillColor = colour
    missing = {index for index, value in enumerate(values) if value is None}
    chart.barLabelFormat = "values"  # the texts below, one per bar
    chart.barLabelArray = [[("" if index in missing else label(value))
                            for index, value in enumerate(chart.data[0])]]
    chart.barLabels.fontName = style.FONT
    chart.barLabels.fontSize = 7
    chart.barLabels.boxAnchor = "s"
    chart.barLabels.dy = 2
    drawing.add(chart)
    title = Group(String(0, 0, axis_title, fontName=style.FONT, fontSize=7,
                         fillColor=style.MUTED, textAnchor="middle"))
    title.transform = (0, 1, -1, 0, 0.35 * cm, chart.y + chart.height / 2)  # turned 90°
    drawing.add(title)
    return drawing


def _category_axis(chart: HorizontalBarChart | VerticalBarChart, anchor: str = "e") -> None:
    axis = chart.categoryAxis
    axis.labels.fontName = style.FONT
    axis.labels.fontSize = 7.5
    axis.labels.boxAnchor = anchor
    if anchor == "e":
        axis.labels.dx = -4
    else:
        axis.labels.dy = -3
    axis.strokeColor = style.RULE


def _value_axis(chart: HorizontalBarChart | VerticalBarChart) -> None:
    axis = chart.valueAxis
    axis.labels.fontName = style.FONT
    axis.labels.fontSize = 7
    axis.strokeColor = style.RULE
    axis.visibleGrid = True
    axis.gridStrokeColor = style.RULE
    axis.gridStrokeWidth = 0.3
