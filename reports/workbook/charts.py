"""Native Excel charts (openpyxl.chart) over the findings sheets' own cells, so a reader who
changes nothing sees the factsheet's pictures and one who filters or edits sees them follow."""

from __future__ import annotations

from collections.abc import Sequence

from openpyxl.chart import BarChart, Reference, Series
from openpyxl.utils import get_column_letter

from reports import palette

ROWS_PER_CHART = 16  # a chart's height in rows, with a gap


def _colour(chart: BarChart, colours: Sequence[str]) -> None:
    for series, colour in zip(chart.series, colours, strict=False):
        series.graphicalProperties.solidFill = colour.lstrip("#")
        series.graphicalProperties.line.solidFill = colour.lstrip("#")


def change_chart(ws: object, title: str, rows: int, label_col: int, first_col: int,
                 last_col: int, axis_title: str, anchor_col: int) -> None:
    """Horizontal stacked bars: % improved / stable / declined per pillar."""
    if rows < 1:
        return
    chart = BarChart()
    chart.type = "bar"
    chart.grouping = "stacked"
    chart.overlap = 100
    chart.gapWidth = 60
    chart.title = title
    chart.y_axis.title = axis_title
    chart.y_axis.scaling.min = 0
    chart.y_axis.scaling.max = 100
    chart.x_axis.scaling.orientation = "maxMin"  # first pillar on top, as in the table
    chart.x_axis.delete = False
    chart.y_axis.delete = False
    data = Reference(ws, min_col=first_col, max_col=last_col, min_row=1, max_row=rows + 1)
    chart.add_data(data, titles_from_data=True)
    chart.set_categories(Reference(ws, min_col=label_col, min_row=2, max_row=rows + 1))
    _colour(chart, palette.SERIES)
    chart.width, chart.height = 20, max(8, 1.1 * rows + 3)
    ws.add_chart(chart, f"{get_column_letter(anchor_col)}2")


def distribution_charts(ws: object, blocks: Sequence[tuple[str, int, int]], level_col: int,
                        intake_col: int, last_col: int, names: tuple[str, str],
                        axis_title: str, anchor_col: int) -> None:
    """One clustered column chart per pillar: % at each level at intake and at the last
    measurement. `blocks` are (title, first row, last row) of each pillar's rows."""
    for index, (title, first, last) in enumerate(blocks):
        chart = BarChart()
        chart.type = "col"
        chart.grouping = "clustered"
        chart.title = title
        chart.y_axis.title = axis_title
        chart.y_axis.scaling.min = 0
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        for column, name in zip((intake_col, last_col), names, strict=True):
            values = Reference(ws, min_col=column, min_row=first, max_row=last)
            chart.series.append(Series(values, title=name))
        chart.set_categories(Reference(ws, min_col=level_col, min_row=first, max_row=last))
        _colour(chart, palette.SERIES)
        chart.width, chart.height = 12, 7
        column = anchor_col + (index % 2) * 8
        row = 2 + (index // 2) * ROWS_PER_CHART
        ws.add_chart(chart, f"{get_column_letter(column)}{row}")
