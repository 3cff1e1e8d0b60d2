"""The factsheet's sections in the seed's order. Each is one function from the edition's
content to its flowables, registered once in SECTIONS; a section without data returns nothing
and is left out, or says in one line what is missing where the reader expects it."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.units import cm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    ListFlowable,
    ListItem,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)

from desktop.i18n import tr
from reports.factsheet import charts, style
from reports.factsheet.content import FactsheetContent
from reports.factsheet.sentences import interview_themes
from reports.factsheet.words import (
    decimal,
    listing,
    long_date,
    month_year,
    n_range,
    number,
    percent,
    plain,
    share,
    text,
    whole,
)

Section = Callable[[FactsheetContent], list[Flowable]]
MAX_THEMES = 8  # the participants' themes listed, most frequent first
QUOTED_THEMES = 3  # of which the first few carry a quote


def _styles() -> dict[str, Any]:
    return style.styles()


def _markup(raw: str) -> str:
    """A researcher's plain text for reportlab: escaped, with **bold** kept."""
    return re.sub(r"\*\*(.+?)\*\*", r"<b>\1</b>", escape(raw))


def prose(raw: str) -> list[Flowable]:
    """Paragraphs separated by blank lines; lines starting with "- " become bullets."""
    s = _styles()
    flowables: list[Flowable] = []
    for block in re.split(r"\n\s*\n", raw.strip()):
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        bullets = [line[2:].strip() for line in lines if line.startswith("- ")]
        if bullets and len(bullets) == len(lines):
            flowables.append(_bullets(bullets))
        elif lines:
            flowables.append(Paragraph(_markup(" ".join(lines)), s["body"]))
    return flowables


def _bullets(items: list[str], numbered: bool = False) -> ListFlowable:
    s = _styles()
    return ListFlowable(
        [ListItem(Paragraph(_markup(item), s["bullet"]), leftIndent=14) for item in items],
        bulletType="1" if numbered else "bullet", start=None if numbered else "•",
        bulletFontName=style.FONT, bulletFontSize=style.BODY_SIZE, leftIndent=14,
        bulletColor=style.PRIMARY, spaceAfter=6)


def heading(content: FactsheetContent, section: str, level: str = "h1") -> Paragraph:
    return Paragraph(escape(text(f"heading.{section}", content.language)), _styles()[level])


def sentence(content: FactsheetContent, key: str) -> list[Flowable]:
    value = content.sentences.get(key)
    return [Paragraph(_markup(value), _styles()["body"])] if value else []


def _table(rows: list[list[Any]], widths: list[float], header_rows: int = 1,
           numeric_from: int = 1, numeric_to: int = -1) -> Table:
    """A findings table; columns numeric_from..numeric_to (header included) align right."""
    table = Table(rows, colWidths=widths, repeatRows=header_rows, hAlign="LEFT")
    table.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), style.FONT, 8),  # the table's own default is Helvetica
        ("FONT", (0, 0), (-1, header_rows - 1), style.BOLD, 8),
        ("TEXTCOLOR", (0, 0), (-1, -1), style.TEXT),
        ("LINEBELOW", (0, header_rows - 1), (-1, header_rows - 1), 0.6, style.PRIMARY),
        ("LINEBELOW", (0, -1), (-1, -1), 0.4, style.RULE),
        ("ROWBACKGROUNDS", (0, header_rows), (-1, -1), [colors.white, style.BAND]),
        ("ALIGN", (numeric_from, 0), (numeric_to, -1), "RIGHT"),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("TOPPADDING", (0, 0), (-1, -1), 2.5),
        ("BOTTOMPADDING", (0, 0), (-1, -1), 2.5),
    ]))
    return table


# --- the sections, in order ------------------------------------------------------------------

def title(content: FactsheetContent) -> list[Flowable]:
    s, language, study = _styles(), content.language, content.study
    place = study.municipality or study.organisation
    period = " – ".join(filter(None, (month_year(study.period_start, language),
                                      month_year(study.period_end, language))))
    subtitle = " · ".join(filter(None, (place, period)))
    site = content.findings["site"]
    if site:
        subtitle += (" · " if subtitle else "") + text("edition_site", language,
                                                         site=site["name"])
    band = Table([[Paragraph(escape(text("title", language, study=study.name)), s["title"])],
                  [Paragraph(escape(subtitle), s["subtitle"])]],
                 colWidths=[charts.WIDTH], hAlign="LEFT")
    band.setStyle(TableStyle([
        ("FONT", (0, 0), (-1, -1), style.FONT, 8),  # the table's own default is Helvetica
        ("BACKGROUND", (0, 0), (-1, -1), style.PRIMARY),
        ("LEFTPADDING", (0, 0), (-1, -1), 14), ("RIGHTPADDING", (0, 0), (-1, -1), 14),
        ("TOPPADDING", (0, 0), (-1, 0), 14), ("BOTTOMPADDING", (0, -1), (-1, -1), 12),
    ]))
    flowables: list[Flowable] = [band, Spacer(0, 10)]
    intro = prose(content.texts["introduction"])
    if intro:
        intro[0] = Paragraph(intro[0].text, s["lead"]) if isinstance(intro[0], Paragraph) \
            else intro[0]
    flowables += intro
    questions = prose(content.texts["questions"])
    if questions:
        flowables += [Paragraph(escape(text("questions_lead", language)), s["body"])]
        flowables += questions
    return flowables


def about_method(content: FactsheetContent) -> list[Flowable]:
    body = prose(content.texts["about_method"])
    return [heading(content, "about_method"), *body] if body else []


def participants(content: FactsheetContent) -> list[Flowable]:
    flowables: list[Flowable] = [heading(content, "participants"),
                                 *sentence(content, "response")]
    flow = content.findings["flow"]
    if content.findings["response"]["participated"] and flow:
        language = content.language
        rows = [[text("table.moment", language), text("table.measured", language),
                 text("table.missing", language), text("table.missing_why", language)]]
        for moment in flow:
            reasons = ", ".join(f"{tr('flow.' + reason, language=language)} {count}"
                                for reason, count in moment["missing_reasons"].items())
            rows.append([moment["name"], number(moment["measured"], language),
                         number(moment["missing"], language),
                         Paragraph(escape(reasons), _styles()["cell"])])
        flowables.append(_table(rows, [4.2 * cm, 2.2 * cm, 2.2 * cm, 8.4 * cm],
                                numeric_from=1, numeric_to=2))
        flowables.append(Spacer(0, 4))
    return flowables


def about_bridge(content: FactsheetContent) -> list[Flowable]:
    body = prose(content.texts["about_bridge"])
    return [heading(content, "about_bridge"), *body] if body else []


def _mark(row: dict[str, Any]) -> str:
    """* for a significant improvement, ‡ for a significant decline (never the same mark)."""
    if not row["significant"]:
        return ""
    return "‡" if row["direction"] == "declined" else "*"


def _pillar_label(row: dict[str, Any]) -> str:
    mark = _mark(row)
    return f"{row['label']} (n={row['n']})" + (f" {mark}" if mark else "")


def _shares(row: dict[str, Any]) -> tuple[float, float, float]:
    """The pillar's improved / stable / declined in %, from the counts (what share() prints)."""
    counts, n = row["counts"], row["n"]
    return tuple(100 * counts[kind] / n for kind in ("improved", "stable", "declined"))


def progress(content: FactsheetContent) -> list[Flowable]:
    language = content.language
    measured = [row for row in content.findings["bridge"]["pillars"] if row["n"]]
    flowables: list[Flowable] = [heading(content, "progress"), *sentence(content, "progress")]
    if not measured:
        return [KeepTogether(flowables)]
    ordered = sorted(measured, key=lambda row: -_shares(row)[0])
    shares = [_shares(row) for row in ordered]
    chart = charts.progress_chart(
        [_pillar_label(row) for row in ordered], [s[0] for s in shares],
        [s[1] for s in shares], [s[2] for s in shares],
        [text(f"legend.{kind}", language) for kind in ("improved", "stable", "declined")],
        text("axis.share_participants", language))
    return [KeepTogether([*flowables, chart, _significance_note(content)])]


def _significance_note(content: FactsheetContent, key: str = "note.significance"
                       ) -> Paragraph:
    bridge = content.findings["bridge"]
    return Paragraph(escape(text(key, content.language,
                                 alpha=plain(bridge["alpha"], content.language),
                                 min_pairs=bridge["min_pairs"])), _styles()["small"])


SITES_PER_TABLE = 4  # more sites than this get a second table below the first


def sites(content: FactsheetContent) -> list[Flowable]:
    compared = content.findings.get("sites") or []
    if not any(cell["n"] for site in compared for cell in site["pillars"]):
        return []  # one site, or no pairs anywhere yet: nothing to compare
    language = content.language
    s = _styles()
    flowables: list[Flowable] = []
    for first in range(0, len(compared), SITES_PER_TABLE):
        group = compared[first:first + SITES_PER_TABLE]
        header = [Paragraph(escape(text("table.pillar", language)), s["cell_bold"])] + [
            Paragraph(escape(site["site"] or text("no_site", language)), s["cell_bold_right"])
            for site in group]
        rows = [header]
        for index, pillar in enumerate(compared[0]["pillars"]):
            row: list[Any] = [Paragraph(escape(pillar["label"]), s["cell"])]
            for site in group:
                cell = site["pillars"][index]
                if not cell["n"]:
                    row.append("–")
                    continue
                mark = _mark(cell) or ("†" if cell["p_holm"] is None else "")
                row.append(f"{share(cell['counts']['improved'], cell['n'])} "
                           f"(n={cell['n']}){mark}")
            rows.append(row)
        width = (charts.WIDTH - 3.6 * cm) / SITES_PER_TABLE
        flowables += [_table(rows, [3.6 * cm] + [width] * len(group)), Spacer(0, 6)]
    lead = [heading(content, "sites"), Paragraph(escape(text("sites_lead", language)),
                                                 s["body"])]
    note = Paragraph(escape(text("note.sites", language,
                                 min_pairs=content.findings["bridge"]["min_pairs"])),
                     s["small"])
    return [KeepTogether([*lead, flowables[0]]), *flowables[1:], note]


def pillars(content: FactsheetContent) -> list[Flowable]:
    language = content.language
    measured = [row for row in content.findings["bridge"]["pillars"] if row["n"]]
    if not measured:
        return []
    s = _styles()
    flowables: list[Flowable] = [heading(content, "pillars"),
                                 *sentence(content, "significance")]
    legend = [text("legend.intake", language), text("legend.last", language)]
    for row in measured:
        item = content.bridge.item(row["pillar"])
        intake, last = row["distribution"]["intake"], row["distribution"]["last"]
        header = [Paragraph(escape(text("table.level", language)), s["cell_bold"]), "",
                  charts.level_axis(legend, text("axis.share_pillar", language, n=row["n"]))]
        table_rows = [header]
        for level in reversed(content.findings["bridge"]["levels"]):
            table_rows.append([
                Paragraph(f"<b>{level}</b>", s["cell"]),
                Paragraph(escape(item.level_text(level, language)), s["cell"]),
                charts.level_bars(intake.get(str(level), 0) / row["n"] * 100,
                                  last.get(str(level), 0) / row["n"] * 100),
            ])
        table = Table(table_rows, colWidths=[0.7 * cm, 9.9 * cm, 6.4 * cm], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), style.FONT, 8),  # the table's own default is Helvetica
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, 0), 0.6, style.PRIMARY),
            ("LINEBELOW", (0, 1), (-1, -2), 0.3, style.RULE),
            ("TOPPADDING", (0, 0), (-1, -1), 1), ("BOTTOMPADDING", (0, 0), (-1, -1), 1),
            ("SPAN", (0, 0), (1, 0)),
        ]))
        title = Paragraph(escape(_pillar_label(row)), s["h2"])
        flowables.append(KeepTogether([title, table, *sentence(content,
                                                               f"pillar.{row['pillar']}")]))
    flowables.append(_significance_note(content))
    return flowables


def questionnaires(content: FactsheetContent) -> list[Flowable]:
    found = [q for q in content.findings.get("questionnaires", [])
             if sum(q["responses"].values())]
    if not found:
        return []
    language = content.language
    titles = [q["title"] for q in found]  # e.g. "Kwaliteit van leven en financiële schaarste"
    title = listing([titles[0]] + [t[:1].lower() + t[1:] for t in titles[1:]], language)
    flowables: list[Flowable] = []
    for questionnaire in found:
        key = questionnaire["instrument"]
        part: list[Flowable] = [] if flowables else [Paragraph(escape(title), _styles()["h1"])]
        part += [Paragraph(escape(questionnaire["title"]), _styles()["h2"]),
                 *sentence(content, f"questionnaire.{key}")]
        scales = [row for row in questionnaire["scales"] if row["n"]]
        if scales:
            scale = questionnaire["scale"]
            better = text("axis.lower_is_better" if scale["best"] == "min"
                          else "axis.higher_is_better", language)
            part.append(charts.paired_means_chart(
                [f"{row['label']} (n={row['n']})" + (f" {_mark(row)}" if _mark(row) else "")
                 for row in scales],
                [row["intake"]["mean"] for row in scales], [row["last"]["mean"] for row in scales],
                (scale["min"], scale["max"]),
                [text("legend.intake", language), text("legend.last", language)],
                text("axis.mean_score", language, low=scale["min"], high=scale["max"],
                     better=better), language))
            part.append(_significance_note(content, "note.significance_scales"))
        flowables.append(KeepTogether(part))
        high = questionnaire.get("high")
        if high and high["intake"]["n"]:
            flowables.append(_high_block(content, questionnaire))
    return flowables


def _high_block(content: FactsheetContent, questionnaire: dict[str, Any]) -> Flowable:
    language, high = content.language, questionnaire["high"]
    labels = [text("legend.intake_n", language, n=high["intake"]["n"]),
              text("legend.last_n", language, n=high["last"]["n"])]
    values = [100 * high["intake"]["high"] / high["intake"]["n"],
              100 * high["last"]["high"] / high["last"]["n"] if high["last"]["n"] else None]
    colours = [style.INTAKE, style.LAST]
    if high["norm"]:
        labels.append(text("legend.norm_n", language, n=number(high["norm"]["n"], language)))
        values.append(high["norm"]["percent_high"])
        colours.append(style.NORM)
    chart = charts.bar_chart(labels, values, text("axis.share_high", language),
                             lambda value: f"{whole(value)}%", 100, colours)
    words = sentence(content, f"questionnaire.{questionnaire['instrument']}.high")
    table = Table([[chart, words[0] if words else ""]], colWidths=[8.4 * cm, 8.6 * cm],
                  hAlign="LEFT")
    table.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), style.FONT, 8),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                               ("LEFTPADDING", (0, 0), (0, 0), 0)]))
    return KeepTogether([table])


def rewards(content: FactsheetContent) -> list[Flowable]:
    found = content.findings.get("rewards")
    groups = [group for group in found["overall"]["groups"] if group["n"]] if found else []
    if not groups:
        return []  # no actions, or none of a rewardable type
    language = content.language
    flowables: list[Flowable] = [heading(content, "rewards"), *sentence(content, "rewards")]
    if any(group["median_days"] is not None for group in groups):
        chart = charts.bar_chart(
            [f"{group['group']} (n={group['done']})" for group in groups],
            [group["median_days"] for group in groups], text("axis.median_days", language),
            lambda value: decimal(value, language, 0), None,
            [style.LAST, style.INTAKE, style.NORM, style.PRIMARY_LIGHT][:len(groups)],
            width=9 * cm)
        rows = [[text("table.group", language), text("table.actions", language),
                 text("table.done", language), text("table.median_days", language),
                 text("table.iqr", language)]]
        for group in groups:
            rows.append([Paragraph(escape(group["group"]), _styles()["cell"]),
                         number(group["n"], language),
                         share(group["done"], group["n"]),
                         decimal(group["median_days"], language, 0),
                         f"{decimal(group['q1'], language, 0)}–{decimal(group['q3'], language, 0)}"
                         if group["q1"] is not None else "–"])
        table = _table(rows, [2.2 * cm, 1.3 * cm, 1.4 * cm, 1.5 * cm, 1.4 * cm])
        layout = Table([[chart, table]], colWidths=[9.2 * cm, 7.8 * cm], hAlign="LEFT")
        layout.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), style.FONT, 8),
                                    ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
                                    ("LEFTPADDING", (0, 0), (0, 0), 0)]))
        flowables += [layout, Paragraph(escape(text(
            "note.rewards", language, until=_date(found["follow_up_until"], language))),
            _styles()["small"])]
    return [KeepTogether(flowables)]


def _date(value: str | None, language: str) -> str:
    return long_date(dt.date.fromisoformat(value), language) if value else "–"


def professionals(content: FactsheetContent) -> list[Flowable]:
    found = content.findings.get("professionals")
    if not found or not found["respondents"]:
        return []
    top = found["ranking"]["top_five"]
    items = [row["label"] for row in top]
    top_five = {row["element"]: row["top_five"] for row in found["ranking"]["elements"]}
    flowables: list[Flowable] = [heading(content, "professionals"),
                                 *sentence(content, "professionals")]
    if items:
        s = _styles()
        rows = [[Paragraph(f"<b>{row['position']}{'=' if row['tied'] else ''}</b>", s["cell"]),
                 Paragraph(escape(row["label"]), s["cell"]),
                 text("borda", content.language, points=row["borda"]),
                 text("top_five_share", content.language,
                      percent=share(top_five[row["element"]], found["ranking"]["n"]))]
                for row in top]
        table = Table(rows, colWidths=[0.9 * cm, 10.1 * cm, 2.6 * cm, 3.4 * cm], hAlign="LEFT")
        table.setStyle(TableStyle([
            ("FONT", (0, 0), (-1, -1), style.FONT, 8),  # the table's own default is Helvetica
            ("FONT", (2, 0), (-1, -1), style.FONT, 8),
            ("TEXTCOLOR", (2, 0), (-1, -1), style.MUTED),
            ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ("LINEBELOW", (0, 0), (-1, -2), 0.3, style.RULE),
        ]))
        flowables += [table, Paragraph(escape(text(
            "note.borda", content.language, n=found["ranking"]["n"],
            places=found["ranking"]["places"])), _styles()["small"])]
    return [KeepTogether(flowables)]


def interviews(content: FactsheetContent) -> list[Flowable]:
    found = content.findings.get("interviews")
    if not found or not found["coded_participant_interviews"]:
        return []
    s, language = _styles(), content.language
    total = found["coded_participant_interviews"]
    items = []
    for row in interview_themes(found)[:MAX_THEMES]:
        line = _markup(text("theme", language, theme=row["code"],
                            count=row["participant_interviews"], n=total,
                            percent=share(row["participant_interviews"], total)))
        quotes = row["participant_quotes"]
        quote = quotes[0] if quotes and len(items) < QUOTED_THEMES else ""
        if quote:
            line += f"<br/><i>“{escape(quote)}”</i>"
        items.append(ListItem(Paragraph(line, s["bullet"]), leftIndent=14))
    flowables: list[Flowable] = [heading(content, "interviews"),
                                 *sentence(content, "interviews")]
    if items:
        flowables.append(ListFlowable(items, bulletType="bullet", start="•",
                                      bulletFontName=style.FONT, leftIndent=14,
                                      bulletColor=style.PRIMARY, spaceAfter=6))
        flowables.append(Paragraph(escape(text("note.interviews", language, n=total)),
                                   s["small"]))
    return [KeepTogether(flowables[:3]), *flowables[3:]]


def implementation(content: FactsheetContent) -> list[Flowable]:
    body = prose(content.texts["implementation"])
    found = content.findings.get("professionals") or {}
    keys = [f"likert.{item['item']}" for item in found.get("likert", [])] + ["fidelity"]
    survey = [content.sentences[key] for key in keys if content.sentences.get(key)]
    if not body and not survey:
        return []
    flowables: list[Flowable] = [heading(content, "implementation"), *body]
    if survey:
        flowables.append(_bullets(survey))
    return flowables


def recommendations(content: FactsheetContent) -> list[Flowable]:
    body = prose(content.texts["recommendations"])
    return [heading(content, "recommendations"), *body] if body else []


def method(content: FactsheetContent) -> list[Flowable]:
    language, findings = content.language, content.findings
    bridge = findings["bridge"]
    measured = [row["n"] for row in bridge["pillars"] if row["n"]]
    lines = [text("method.bridge", language, n=n_range(measured) if measured else "0",
                  alpha=plain(bridge["alpha"], language), min_pairs=bridge["min_pairs"])]
    if any(sum(q["responses"].values()) for q in findings.get("questionnaires", [])):
        lines.append(text("method.questionnaires", language))
    rewards = findings.get("rewards")
    compared = sum(group["n"] for group in rewards["overall"]["groups"]) if rewards else 0
    if compared:
        lines.append(text("method.rewards", language, n=compared))
    professionals = findings.get("professionals")
    if professionals and professionals["respondents"]:
        lines.append(text("method.professionals", language, n=professionals["respondents"]))
    interviews_found = findings.get("interviews")
    if interviews_found and interviews_found["coded"]:
        lines.append(_interview_method(interviews_found, language))
    left_out = [text(f"part.{key}", language) for key, present in _data_present(content)
                if not present]
    if left_out:
        lines.append(text("method.left_out", language, parts=listing(left_out, language)))
    today = content.request.today or dt.date.today()
    lines.append(text("method.generated", language, date=long_date(today, language)))
    s = _styles()
    return [heading(content, "method"),
            *[Paragraph(escape(line), s["small"]) for line in lines]]


def _interview_method(found: dict[str, Any], language: str) -> str:
    line = text("method.interviews", language, n=found["coded"])
    for pair in found["agreement"]:
        line += " " + text("method.kappa", language, coders=listing(pair["coders"], language),
                           n=pair["interviews"], kappa=decimal(pair["kappa"], language),
                           agreement=percent(pair["agreement"]), codes=pair["codes_used"])
    return line


def _data_present(content: FactsheetContent) -> list[tuple[str, bool]]:
    findings = content.findings
    return [
        ("progress", any(row["n"] for row in findings["bridge"]["pillars"])),
        ("questionnaires", any(sum(q["responses"].values())
                               for q in findings.get("questionnaires", []))),
        ("rewards", bool(findings.get("rewards")
                         and any(g["n"] for g in findings["rewards"]["overall"]["groups"]))),
        ("professionals", bool(findings.get("professionals")
                               and findings["professionals"]["respondents"])),
        ("interviews", bool(findings.get("interviews")
                            and findings["interviews"]["coded_participant_interviews"])),
    ]


SECTIONS: tuple[tuple[str, Section], ...] = (
    ("title", title),
    ("about_method", about_method),
    ("participants", participants),
    ("about_bridge", about_bridge),
    ("progress", progress),
    ("sites", sites),
    ("pillars", pillars),
    ("questionnaires", questionnaires),
    ("rewards", rewards),
    ("professionals", professionals),
    ("interviews", interviews),
    ("implementation", implementation),
    ("recommendations", recommendations),
    ("method", method),
)
